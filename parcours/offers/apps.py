from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "parcours.offers"
    verbose_name = "Offre"

    def ready(self):
        from . import home, menu, retention  # noqa: F401  (home page panels, retention classification, menu)
