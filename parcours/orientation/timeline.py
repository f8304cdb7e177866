"""The orientation steps of a household's path: its requests' history, proposals, admissions, exits."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.core import compiled
from parcours.households.perms import HIDDEN_PLACE
from parcours.households.timeline import Step, register

from .choices import ProposalStatus, RequestStatus, TransitionKind
from .perms import can_see_proposed_place


def _who(user) -> str:
    if user is None:
        return _("Parcours (automatique)")
    return user.get_full_name() or user.username


@register(present_if=[("orientation.InsertionRequest", "household")])
def orientation_steps(user, household):
    from .models import ProposalEvent, RequestTransition

    # Both queries compiled once per process (they depend on no one), the household's id put in at
    # each call: building and compiling them was most of these steps' cost (issue 18).
    transitions = compiled.instances_of(
        ("orientation.steps.transitions",),
        lambda household: RequestTransition.objects.filter(request__household=household).select_related(
            "actor"
        ),
        household=household.pk,
    )
    for t in transitions:
        if t.kind == TransitionKind.STATUS:
            label = _("Demande d'insertion n° %(n)s : %(s)s") % {
                "n": t.request_id,
                "s": RequestStatus(t.to_status).label,
            }
        else:
            label = _("Demande d'insertion n° %(n)s : %(s)s") % {
                "n": t.request_id,
                "s": TransitionKind(t.kind).label,
            }
        yield Step(
            at=t.at,
            domain="orientation",
            label=label,
            actor=_who(t.actor),
            url=reverse("orientation:detail", args=[t.request_id]),
        )
    events = compiled.instances_of(
        ("orientation.steps.events",),
        lambda household: ProposalEvent.objects.filter(proposal__request__household=household).select_related(
            "actor", "proposal__vacancy__unit__facility", "proposal__request"
        ),
        household=household.pk,
    )
    shown = {}
    for e in events:
        if e.from_status == e.to_status:
            continue
        proposal = e.proposal
        proposal.request.household = household
        if proposal.pk not in shown:
            shown[proposal.pk] = can_see_proposed_place(user, proposal)
        facility = proposal.vacancy.unit.facility.name if shown[proposal.pk] else HIDDEN_PLACE
        yield Step(
            at=e.at,
            domain="orientation",
            label=_("Proposition sur %(f)s : %(s)s")
            % {"f": facility, "s": ProposalStatus(e.to_status).label},
            actor=_who(e.actor) if e.via_link_id is None else _("la structure (lien partenaire)"),
            url=reverse("orientation:proposal", args=[e.proposal_id]),
        )
