from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "parcours.matching"
    verbose_name = "Moteur d'orientation"

    def ready(self):
        from . import export, home, retention, selectors, timeline  # noqa: F401  (home panels, anonymisation rules, path's steps, export, proposals' ranking snapshot)
