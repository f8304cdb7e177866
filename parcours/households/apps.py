from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "parcours.households"
    verbose_name = "Ménages"

    def ready(self):
        from parcours.accounts.models import Organization
        from parcours.core.cache import invalidate_on

        from . import export, home, menu, retention  # noqa: F401  (home page panels, anonymisation rules, export, menu)

        # The blank consent form of the household page names every active organization (views.py).
        invalidate_on("consent_form", Organization)
