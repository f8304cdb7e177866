from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "parcours.households"
    verbose_name = "Ménages"

    def ready(self):
        from . import home  # noqa: F401  (registers the home page panels)
