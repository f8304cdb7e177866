from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "parcours.observatory"
    verbose_name = "Observatoire"
