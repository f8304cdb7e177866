from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_languages():
    """The languages of the person's pages, each named in itself (Français, English, العربية)."""
    return [(code, name) for code, name in settings.LANGUAGES]


@register.simple_tag
def portal_can_invite(user, household) -> bool:
    from parcours.portal.perms import can_invite

    return can_invite(user, household)
