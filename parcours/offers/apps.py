from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "parcours.offers"
    verbose_name = "Offre"
