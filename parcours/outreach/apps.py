from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "parcours.outreach"
    verbose_name = "Aller-vers"

    def ready(self):
        from . import (  # noqa: F401  (registries: panels, menu, steps, indicators, anonymisation, export, the 115 link)
            export,
            home,
            indicators,
            links,
            menu,
            offline,
            retention,
            timeline,
        )
