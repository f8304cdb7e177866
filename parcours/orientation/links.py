"""A proposal or an admission links the household to the facility's organization (design §5, rule 3):
registered in households.links so that access rules and visible_to() see it."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.assessments.next_steps import PROVIDERS as NEXT_STEPS
from parcours.assessments.next_steps import STEP_VALUES, NextStep
from parcours.households.links import LINK_PROVIDERS


def linked_by_proposal(organization_id: int) -> Q:
    from .models import Proposal

    return Q(
        Exists(
            Proposal.objects.linking().filter(
                request__household_id=OuterRef("pk"), vacancy__unit__facility__organization_id=organization_id
            )
        )
    )


LINK_PROVIDERS.append(linked_by_proposal)


def insertion_request_step(user, household):
    """After an assessment: « Faire une demande d'insertion » for whoever may open one, or the way to
    the live request when the household already has one (assessments.next_steps)."""
    from . import perms
    from .models import InsertionRequest

    if not perms.can_create_request(user, household):
        return []
    live_pk = getattr(household, LIVE_REQUEST, _ASK)
    if live_pk is _ASK:
        live_pk = (
            InsertionRequest.objects.live().filter(household=household).values_list("pk", flat=True).first()
        )
    if live_pk is not None:
        return [
            NextStep(_("Voir la demande d'insertion en cours"), reverse("orientation:detail", args=[live_pk]))
        ]
    return [
        NextStep(
            _("Faire une demande d'insertion"),
            reverse("orientation:create", args=[household.pk]),
            primary=True,
            then="insertion_request",
            then_label=_("Enregistrer et faire une demande d'insertion"),
        )
    ]


NEXT_STEPS.append(insertion_request_step)

LIVE_REQUEST = "next_step_live_insertion_request"
_ASK = object()  # the household came without the annotation: ask


def _live_request():
    from .models import InsertionRequest

    # At most one live request per household (insreq_one_live_per_household).
    return Subquery(
        InsertionRequest.objects.live().filter(household=OuterRef("pk")).order_by().values("pk")[:1]
    )


STEP_VALUES[LIVE_REQUEST] = _live_request
