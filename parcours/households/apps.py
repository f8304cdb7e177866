from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "parcours.households"
    verbose_name = "Ménages"

    def ready(self):
        from . import export, home, menu, retention  # noqa: F401  (home page panels, anonymisation rules, export, menu)
