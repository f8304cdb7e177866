"""How the orientation's records are anonymised by the retention run (registry: parcours.core.retention)."""

from parcours.core.retention import Custom, Erase, Keep, contact_source, keep_alive, register

from .choices import CLOSED_STATUSES, LINKING_PROPOSAL_STATUSES
from .models import (
    Commission,
    CommissionLine,
    InsertionRequest,
    Parking,
    PartnerLink,
    Proposal,
    ProposalEvent,
    RefusalReason,
    RequestTransition,
)

CODED = "statuts, dates et codes comptés par l'observatoire"


def _erase_line_reasons(lines, name):
    """A decision's reason, written by hand, is also copied into the minutes of a closed commission
    (« — reason » after the line of that request): both go. The minutes themselves hold no names."""
    for line in lines.exclude(reason="").select_related("commission"):
        commission = line.commission
        if commission.minutes:
            marker = f"Demande n° {line.request_id} "
            kept = []
            for text in commission.minutes.split("\n"):
                if marker in text and text.endswith(f" — {line.reason}"):
                    text = text[: -len(f" — {line.reason}")]
                kept.append(text)
            Commission.objects.filter(pk=commission.pk).update(minutes="\n".join(kept))
    lines.exclude(reason="").update(reason="")


register(
    InsertionRequest,
    household="household",
    personal={
        "wished_kinds": Keep(CODED),
        "wished_territories": Keep(CODED),
        "max_rent": Keep("montant sans valeur identifiante"),
    },
    not_personal={
        CODED: (
            "household",
            "status",
            "seniority_date",
            "submitted_at",
            "validated_at",
            "renewed_at",
            "expiry_reminded_at",
            "created_by",
        )
    },
)

register(
    RequestTransition,
    household="request__household",
    personal={"reason": Erase()},
    not_personal={CODED: ("request", "kind", "from_status", "to_status", "actor", "at")},
)

register(
    RefusalReason, not_personal={"référentiel": ("code", "label", "side", "justified", "active", "position")}
)

register(
    Commission,
    not_personal={
        "séance de commission ; son compte rendu ne nomme personne (les motifs écrits à la main sont "
        "retirés avec ceux des lignes)": (
            "territory",
            "held_on",
            "title",
            "status",
            "minutes",
            "closed_at",
            "closed_by",
            "created_by",
        )
    },
)

register(
    CommissionLine,
    household="request__household",
    personal={"reason": Custom(_erase_line_reasons, "retiré de la ligne et du compte rendu")},
    not_personal={
        CODED: (
            "commission",
            "kind",
            "request",
            "vacancy",
            "position",
            "decision",
            "decided_by",
            "decided_at",
        )
    },
)

register(
    Proposal,
    household="request__household",
    personal={
        "refusal_side": Keep(CODED),
        "refusal_reason": Keep(CODED),
        "exit_destination": Keep(CODED),
        "admitted_on": Keep(CODED),
        "exited_on": Keep(CODED),
        "snapshot": Keep("classement du moteur : identifiants et scores, aucun nom"),
    },
    not_personal={
        CODED: (
            "request",
            "vacancy",
            "status",
            "commission_line",
            "proposed_by",
            "answered_at",
            "reminded_at",
        )
    },
)

register(
    ProposalEvent,
    household="proposal__request__household",
    personal={"note": Erase()},
    not_personal={CODED: ("proposal", "from_status", "to_status", "actor", "via_link", "at")},
)

register(
    Parking,
    household="household",
    not_personal={CODED: ("household", "facility", "until", "proposal", "created_at")},
)

register(
    PartnerLink,
    household="proposal__request__household",
    personal={"recipient": Erase()},
    not_personal={
        "lien d'accès d'un partenaire (dates)": (
            "proposal",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        )
    },
)

# What counts as a contact with the household, and what keeps it alive.
contact_source(InsertionRequest, household="household", dates=("updated_at",))
contact_source(RequestTransition, household="request__household", dates=("at",))
contact_source(ProposalEvent, household="proposal__request__household", dates=("at",))
contact_source(Proposal, household="request__household", dates=("admitted_on", "exited_on"))


@keep_alive
def _request_alive(today):
    """A request still alive."""
    return InsertionRequest.objects.exclude(status__in=CLOSED_STATUSES).values_list("household_id", flat=True)


@keep_alive
def _proposal_or_stay(today):
    """A proposal in progress or a current admission."""
    return Proposal.objects.filter(status__in=LINKING_PROPOSAL_STATUSES, exited_on__isnull=True).values_list(
        "request__household_id", flat=True
    )
