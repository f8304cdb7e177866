from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "parcours.support"
    verbose_name = "Accompagnement"

    def ready(self):
        from . import home, links, timeline  # noqa: F401  (home panels, programme links, path steps)
