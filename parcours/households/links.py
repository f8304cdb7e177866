"""Which organizations a proposal or an admission links to a household (design §5, rule 3).

The orientation domain registers a provider; until then no facility or landlord is linked.
"""

from collections.abc import Callable

from django.db.models import Q

# Each provider takes an organization id and returns a Q on Household selecting the linked ones.
LINK_PROVIDERS: list[Callable[[int], Q]] = []


def linked_to(organization_id: int) -> Q:
    q = Q(pk__in=[])
    for provider in LINK_PROVIDERS:
        q |= provider(organization_id)
    return q
