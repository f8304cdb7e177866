from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "parcours.demo"
    verbose_name = "Réseau de démonstration"
