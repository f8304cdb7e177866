from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "parcours.orientation"
    verbose_name = "Orientation"

    def ready(self):
        from . import export, holds, home, indicators, links, menu, portal, retention, timeline  # noqa: F401  (panels, indicators, links, anonymisation, steps, export, menu, vacancy holds)
