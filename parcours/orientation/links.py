"""A proposal or an admission links the household to the facility's organization (design §5, rule 3):
registered in households.links so that access rules and visible_to() see it."""

from django.db.models import Exists, OuterRef, Q

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
