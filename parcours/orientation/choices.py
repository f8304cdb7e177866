"""Statuses of an insertion request (demande SIAO) and the one table of allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("transmise")
    TO_COMPLETE = "to_complete", _("à compléter")
    VALIDATED = "validated", _("validée")
    PROPOSED = "proposed", _("proposée")
    ADMITTED = "admitted", _("admise")
    CANCELLED = "cancelled", _("annulée")
    EXPIRED = "expired", _("expirée")


S = RequestStatus

# The state machine, in one place: from → the statuses it may go to.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.TO_COMPLETE, S.VALIDATED, S.CANCELLED}),
    S.TO_COMPLETE: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.VALIDATED: frozenset({S.PROPOSED, S.CANCELLED, S.EXPIRED}),
    S.PROPOSED: frozenset({S.VALIDATED, S.ADMITTED, S.CANCELLED}),
    S.ADMITTED: frozenset(),
    S.CANCELLED: frozenset({S.DRAFT}),  # reactivation
    S.EXPIRED: frozenset({S.DRAFT}),  # reactivation
}

# A household has at most one request that is not in one of these statuses.
CLOSED_STATUSES = frozenset({S.CANCELLED, S.EXPIRED, S.ADMITTED})


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
