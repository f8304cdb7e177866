from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "parcours.households"
    verbose_name = "Ménages"
