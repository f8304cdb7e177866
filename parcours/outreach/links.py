"""Outreach's links into the 115 (registries of parcours.emergency, which never imports outreach): a
team member may file a request for a person met, and the request page says which encounter it came
from."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.emergency import origins
from parcours.emergency import perms as emergency_perms

from . import perms


def _outreach_member_files(user, household) -> bool:
    """A team member files a request for a person met: anonymous, or a household they may open."""
    return perms.is_outreach_member(user) and (household is None or perms.can_link_household(user, household))


emergency_perms.REQUEST_FILERS.append(_outreach_member_files)


@origins.register
def encounter_origin(user, request):
    from .models import Encounter

    encounter = Encounter.objects.select_related("team").filter(emergency_request=request).first()
    if encounter is None:
        return None
    label = _("Rencontre de l'équipe « %(team)s », le %(day)s") % {
        "team": encounter.team.name,
        "day": date_format(encounter.met_at, "j F à H:i"),
    }
    url = (
        reverse("outreach:encounter", args=[encounter.pk])
        if perms.can_view_encounter(user, encounter)
        else ""
    )
    return origins.Origin(label=label, url=url)
