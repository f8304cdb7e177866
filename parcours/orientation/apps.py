from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "parcours.orientation"
    verbose_name = "Orientation"
