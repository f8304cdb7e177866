from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "parcours.emergency"
    verbose_name = "115"

    def ready(self):
        from . import export, home, indicators, menu, offline, retention, services, steps  # noqa: F401  (panels, indicators, offline screens, anonymisation, steps, export, menu, the SMS hook)
