from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parcours.assessments"
    verbose_name = "Évaluation partagée"

    def ready(self):
        from . import export, home, portal, retention  # noqa: F401  (retention classification of the fields, export, next steps)
