from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcours.core"
    verbose_name = "Parcours — socle"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
