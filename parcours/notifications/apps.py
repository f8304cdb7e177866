from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "parcours.notifications"
    label = "notifications"
    verbose_name = "Notifications aux personnes accompagnées"

    def ready(self):
        from . import documents, export, home, hooks, portal, retention  # noqa: F401  (registries, the outbox's failure hook, the vault's expiry hook)
