from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "parcours.orientation"
    verbose_name = "Orientation"

    def ready(self):
        from parcours.accounts.models import Organization
        from parcours.core.cache import invalidate_on
        from parcours.territories.models import Territory

        # The blank transfer forms' fields (views._blank_fields) name the organizations and départements.
        invalidate_on("orientation_forms", Organization, Territory)
        from . import export, holds, home, indicators, links, menu, portal, retention, timeline  # noqa: F401  (panels, indicators, links, anonymisation, steps, export, menu, vacancy holds)
