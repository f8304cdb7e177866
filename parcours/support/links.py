"""Households a landlord houses through a supported-housing programme are linked to it (design §5,
rule 3): registered in households.links when the app is ready."""

from django.db.models import Q

from parcours.households.links import LINK_PROVIDERS


def programme_households(organization_id: int) -> Q:
    """Households housed now in a unit of a programme whose landlord is the organization."""
    from .models import ProgrammeHousing

    housed = ProgrammeHousing.objects.filter(programme__landlord_id=organization_id, left_on__isnull=True)
    return Q(pk__in=housed.values("household_id"))


if programme_households not in LINK_PROVIDERS:
    LINK_PROVIDERS.append(programme_households)
