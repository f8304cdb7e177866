from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "parcours.plan"
    verbose_name = "Plan stratégique"

    def ready(self):
        from . import menu, retention  # noqa: F401  (retention classification of the fields, menu)
