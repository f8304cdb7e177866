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


@register(Tags.security, deploy=False)
def audit_keys_configured(app_configs, **kwargs):
    """Without an audit key nothing can be sealed: the trail would be rewritable by the database's owner."""
    from .audit import AuditKeyError, keyring

    try:
        ring = keyring()
    except AuditKeyError as exc:
        return [
            Error(
                str(exc),
                hint="Generate one: python3 -c 'import secrets; print(\"k1:\" + secrets.token_urlsafe(48))' "
                "(docs/exploitation.md, audit keys).",
                id="parcours.E002",
            )
        ]
    if any(key == settings.SECRET_KEY.encode() for key in ring.keys.values()):
        return [
            Error(
                "An audit key equals SECRET_KEY.",
                hint="Use a key of its own: whoever learns SECRET_KEY must not be able to reseal the trail.",
                id="parcours.E003",
            )
        ]
    return []
