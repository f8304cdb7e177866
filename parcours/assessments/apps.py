from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parcours.assessments"
    verbose_name = "Évaluation partagée"

    def ready(self):
        from parcours.core.cache import invalidate_on

        from . import export, home, portal, retention  # noqa: F401  (retention classification of the fields, export, next steps, Mon espace)
        from .models import AssessmentGrid, GridItem, GridSection

        invalidate_on("assessment_grids", AssessmentGrid, GridSection, GridItem)  # the cached grids
