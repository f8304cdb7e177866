from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "parcours.territories"
    verbose_name = "Territoires"

    def ready(self):
        from parcours.core.cache import invalidate_on

        from . import retention  # noqa: F401  (retention classification of the fields)
        from .models import Commune, Territory

        invalidate_on("territories", Territory, Commune)  # the cached territories (core.cache)
