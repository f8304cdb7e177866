from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "parcours.portal"
    label = "portal"
    verbose_name = "Mon espace (personnes accompagnées)"
