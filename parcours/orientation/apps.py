from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "parcours.orientation"
    verbose_name = "Orientation"

    def ready(self):
        from . import home  # noqa: F401  (registers the home page panels)
