"""A proposal or an admission links the household to the facility's organization (design §5, rule 3):
registered in households.links so that access rules and visible_to() see it."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.assessments.next_steps import PROVIDERS as NEXT_STEPS
from parcours.assessments.next_steps import NextStep
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
    live = InsertionRequest.objects.live().filter(household=household).first()
    if live is not None:
        return [
            NextStep(_("Voir la demande d'insertion en cours"), reverse("orientation:detail", args=[live.pk]))
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
