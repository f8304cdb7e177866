"""What orientation's work in progress holds in other domains: a vacancy with a proposal pending or
accepted cannot be withdrawn from under it (parcours.offers.querysets.vacancy_hold)."""

from django.db.models import Q

from parcours.offers.querysets import vacancy_hold

from .choices import OPEN_PROPOSAL_STATUSES


@vacancy_hold
def proposal_in_progress() -> Q:
    return Q(proposals__status__in=sorted(OPEN_PROPOSAL_STATUSES))
