from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "parcours.emergency"
    verbose_name = "115"

    def ready(self):
        from . import home, steps  # noqa: F401  (registers the home panels and the household's 115 steps)
