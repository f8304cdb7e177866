"""What the person sees of their notification choices in « Mon espace » (parcours.portal.sections)."""

from django.utils.translation import gettext_lazy as _

from parcours.portal import sections

from .kinds import NotificationKind
from .services import enabled_kinds


def choices_of(access) -> list[dict]:
    on = enabled_kinds(access)
    return [{"kind": k.value, "label": k.label, "enabled": k.value in on} for k in NotificationKind]


@sections.register(
    key="notifications",
    title=_("Mes messages écrits (SMS)"),
    template="notifications/portal_section.html",
    order=90,
    api=lambda access: [{"kind": c["kind"], "enabled": c["enabled"]} for c in choices_of(access)],
)
def notifications_section(access):
    choices = choices_of(access)
    return {"choices": choices, "any": any(c["enabled"] for c in choices), "phone": bool(access.phone)}
