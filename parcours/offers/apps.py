from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "parcours.offers"
    verbose_name = "Offre"

    def ready(self):
        from . import home  # noqa: F401  (registers the home page panels)
