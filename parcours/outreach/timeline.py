"""The household's encounters on its path (registry: parcours.households.timeline). Where the team met
the household is whereabouts: the commune is named only to those who may see them (rule 6)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.households import perms as household_perms
from parcours.households.timeline import Step, register

from . import perms


@register(present_if=[("outreach.Encounter", "household")])
def outreach_steps(user, household):
    encounters = household.outreach_encounters.select_related("team", "commune").order_by("-met_at")[:200]
    whereabouts = household_perms.can_see_whereabouts(user, household)
    for e in encounters:
        if whereabouts:
            label = _("Aller-vers : rencontre par « %(team)s » à %(commune)s") % {
                "team": e.team.name,
                "commune": e.commune.name,
            }
        else:
            label = _("Aller-vers : rencontre par « %(team)s »") % {"team": e.team.name}
        if e.emergency_request_id:
            label += " — " + _("demande 115 faite")
        yield Step(
            at=e.met_at,
            domain="outreach",
            label=label,
            actor=e.team.name,
            url=reverse("outreach:encounter", args=[e.pk]) if perms.can_view_encounter(user, e) else "",
        )
