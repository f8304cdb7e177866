"""The household's 115 steps on its path (registered in households.timeline when the app is ready)."""

import functools

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.core import compiled
from parcours.households import perms as household_perms
from parcours.households.timeline import Step, register

from . import perms
from .choices import RequestStatus
from .models import EmergencyRequest, NightAllocation


def _requests(show_place: bool, household):
    """The household's night requests but the cancelled ones, latest night first (200 at most), with
    their unmet demand; with `show_place`, their booked nights with unit and facility."""
    requests = (
        EmergencyRequest.objects.filter(household=household)
        .exclude(status=RequestStatus.CANCELLED)
        .select_related("unmet")
    )
    if show_place:
        # Only the booked nights name a place: one query for them with their unit and facility, in
        # the allocations' own order, rather than three (allocations, units, facilities), and none
        # for whoever reads no place (issue 18: the 115 steps were 8% of the household page's CPU).
        nights = NightAllocation.objects.filter(status="booked").select_related("unit__facility")
        requests = requests.prefetch_related(Prefetch("allocations", queryset=nights, to_attr="booked"))
    return requests.order_by("-night")[:200]


@register(present_if=[("emergency.EmergencyRequest", "household")])
def emergency_steps(user, household):
    """One step per night request: its answer, and the place only for those who may see where the
    household sleeps (protected files hide it). The 115 team gets a link to the request."""
    # Those with the whole file read the place, except on a protected file (can_see_allocated_place).
    show_place = perms.can_see_place_of(user, household) or household.protected
    # Compiled once per process and `show_place` (the only argument the SQL depends on; the household's
    # id is put in at each call): building and compiling the query and its prefetch were most of
    # these steps' cost (issue 18).
    requests = compiled.instances_of(
        ("emergency.steps", show_place), functools.partial(_requests, show_place), household=household.pk
    )
    team = perms.can_use_115(user)
    for r in requests:
        r.household = household
        if r.status == RequestStatus.ALLOCATED:
            booked = r.booked if show_place else []
            if show_place and booked:
                shown = perms.can_see_allocated_place(user, booked[0])
                label = _("115 : place attribuée pour la nuit du %(d)s — %(f)s") % {
                    "d": r.night.strftime("%d/%m/%Y"),
                    "f": booked[0].unit.facility.name if shown else household_perms.HIDDEN_PLACE,
                }
            else:
                label = _("115 : place attribuée pour la nuit du %(d)s") % {"d": r.night.strftime("%d/%m/%Y")}
        elif r.status == RequestStatus.UNMET:
            label = _("115 : demande non pourvue pour la nuit du %(d)s") % {"d": r.night.strftime("%d/%m/%Y")}
        else:
            label = _("115 : demande pour la nuit du %(d)s") % {"d": r.night.strftime("%d/%m/%Y")}
        yield Step(
            at=r.created_at,
            domain="emergency",
            label=label,
            url=reverse("emergency:request", args=[r.pk]) if team and perms.can_view_request(user, r) else "",
        )
