from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parcours.assessments"
    verbose_name = "Évaluation partagée"
