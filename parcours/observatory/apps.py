from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "parcours.observatory"
    verbose_name = "Observatoire"

    def ready(self):
        from . import home, menu  # noqa: F401  (registers the home page panel, menu)
