from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "parcours.support"
    verbose_name = "Accompagnement"

    def ready(self):
        from . import export, home, indicators, links, menu, portal, retention, timeline  # noqa: F401  (panels, indicators, links, anonymisation, steps, export, menu)
