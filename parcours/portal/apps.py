from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "parcours.portal"
    label = "portal"
    verbose_name = "Mon espace (personnes accompagnées)"

    def ready(self):
        from . import builtin, export, home, indicators, retention  # noqa: F401  (sections, export, panels, indicators, anonymisation)
