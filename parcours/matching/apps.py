from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "parcours.matching"
    verbose_name = "Moteur d'orientation"

    def ready(self):
        from . import home, timeline  # noqa: F401  (register the home page panels and the path's steps)
