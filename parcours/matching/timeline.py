"""The engine's steps in the household's path: a commission's justified priority, when one was set."""

from django.utils.translation import gettext as _

from parcours.core import compiled
from parcours.households.perms import Access, access
from parcours.households.timeline import Step, register


@register(present_if=[("orientation.InsertionRequest", "household")])
def commission_priorities(user, household):
    """Only for those who hold the whole file: the shared sheet of partners does not show priorities."""
    if access(user, household) != Access.FULL:
        return []
    from .models import RequestFacts

    # Compiled once per process (it depends on no one), the household's id put in at each call.
    facts = compiled.instances_of(
        ("matching.steps.priorities",),
        lambda household: RequestFacts.objects.filter(
            request__household=household, manual_priority__gt=0
        ).order_by("pk"),
        household=household.pk,
    )
    return [
        Step(
            at=f.updated_at,
            domain="orientation",
            label=_("Priorité motivée de la commission : %(n)s points (demande n° %(request)s)")
            % {"n": f.manual_priority, "request": f.request_id},
        )
        for f in facts
    ]
