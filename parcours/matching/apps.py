from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "parcours.matching"
    verbose_name = "Moteur d'orientation"

    def ready(self):
        from . import home  # noqa: F401  (registers the home page panels)
