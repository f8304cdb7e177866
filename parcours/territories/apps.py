from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "parcours.territories"
    verbose_name = "Territoires"
