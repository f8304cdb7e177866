from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "parcours.plan"
    verbose_name = "Plan stratégique"
