from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "parcours.orientation"
    verbose_name = "Orientation"

    def ready(self):
        from . import home, indicators, links, timeline  # noqa: F401  (register panels, indicators, links, steps)
