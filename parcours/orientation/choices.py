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


class TransitionKind(models.TextChoices):
    """What a line of a request's history records: a change of status, or an event that keeps it."""

    STATUS = "status", _("changement d'état")
    RENEWAL = "renewal", _("actualisation")
    SENIORITY_RESET = "seniority_reset", _("ancienneté remise à zéro")
    REFERENT_TRANSFER = "referent_transfer", _("transfert de référent")
    TERRITORY_TRANSFER = "territory_transfer", _("transfert de département")
    REMINDER = "reminder", _("relance avant expiration")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    REFUSED = "refused", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée")
    ADMITTED = "admitted", _("admission")
    EXITED = "exited", _("sortie")


P = ProposalStatus

PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    P.PENDING: frozenset({P.ACCEPTED, P.REFUSED, P.WITHDRAWN}),
    P.ACCEPTED: frozenset({P.ADMITTED, P.REFUSED, P.WITHDRAWN}),
    P.ADMITTED: frozenset({P.EXITED}),
    P.REFUSED: frozenset(),
    P.WITHDRAWN: frozenset(),
    P.EXITED: frozenset(),
}

# While a proposal is in one of these, it links the household to the facility's organization
# (design §5 rule 3), holds the vacancy, and counts as the household's pending proposal.
LINKING_PROPOSAL_STATUSES = frozenset({P.PENDING, P.ACCEPTED, P.ADMITTED})
OPEN_PROPOSAL_STATUSES = frozenset({P.PENDING, P.ACCEPTED})


class RefusalSide(models.TextChoices):
    HOUSEHOLD = "household", _("refus du ménage")
    FACILITY = "facility", _("refus de la structure")


class ExitDestination(models.TextChoices):
    OWN_HOUSING = "own_housing", _("logement autonome")
    SOCIAL_HOUSING = "social_housing", _("logement social")
    OTHER_FACILITY = "other_facility", _("autre structure")
    FAMILY_OR_FRIENDS = "family_or_friends", _("famille ou tiers")
    INSTITUTION = "institution", _("institution (hôpital, prison…)")
    STREET = "street", _("rue")
    DECEASED = "deceased", _("décès")
    UNKNOWN = "unknown", _("inconnue")


class CommissionStatus(models.TextChoices):
    PLANNED = "planned", _("en préparation")
    CLOSED = "closed", _("close (compte rendu établi)")


# A session is prepared, then closed with its minutes; a closed session is final.
COMMISSION_TRANSITIONS = {
    CommissionStatus.PLANNED: frozenset({CommissionStatus.CLOSED}),
    CommissionStatus.CLOSED: frozenset(),
}


class LineKind(models.TextChoices):
    REQUEST = "request", _("demande à examiner")
    VACANCY = "vacancy", _("vacance à pourvoir")


class LineDecision(models.TextChoices):
    # on a request under review
    VALIDATE = "validate", _("demande validée")
    TO_COMPLETE = "to_complete", _("à compléter")
    # on a vacancy
    PROPOSE = "propose", _("proposition à un ménage")
    NO_CANDIDATE = "no_candidate", _("aucun ménage retenu")
    # on either
    POSTPONE = "postpone", _("ajournée")


REQUEST_DECISIONS = (LineDecision.VALIDATE, LineDecision.TO_COMPLETE, LineDecision.POSTPONE)
VACANCY_DECISIONS = (LineDecision.PROPOSE, LineDecision.NO_CANDIDATE, LineDecision.POSTPONE)
