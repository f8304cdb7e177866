"""System checks that refuse unsafe configurations at start-up."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def two_factor_not_relaxed_in_production(app_configs, **kwargs):
    if getattr(settings, "PARCOURS_TWO_FACTOR_RELAXED", False) and not settings.DEBUG:
        return [
            Error(
                "PARCOURS_TWO_FACTOR_RELAXED is only allowed with DEBUG on (the local demo).",
                hint="Unset PARCOURS_TWO_FACTOR_RELAXED: every role that reads named persons needs TOTP.",
                id="parcours.E001",
            )
        ]
    return []
