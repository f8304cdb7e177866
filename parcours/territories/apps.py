from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "parcours.territories"
    verbose_name = "Territoires"

    def ready(self):
        from . import retention  # noqa: F401  (retention classification of the fields)
