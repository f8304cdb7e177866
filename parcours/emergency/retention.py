"""How the 115's records are anonymised by the retention run (registry: parcours.core.retention)."""

from parcours.core.retention import Erase, Keep, Redact, contact_source, keep_alive, register

from .choices import RequestStatus
from .models import (
    EmergencyCall,
    EmergencyRequest,
    NightAllocation,
    NightFigures,
    PlacesDeclaration,
    UnmetDemand,
)

FIGURES = "codes, nombres et dates comptés par l'observatoire du 115"

register(
    EmergencyCall,
    household="household",
    personal={"caller_phone": Erase(), "note": Erase()},
    not_personal={
        FIGURES: ("received_at", "territory", "handler", "household", "outcome"),
        "identifiant technique d'un appel noté hors ligne": ("client_id", "recorded_offline"),
    },
)

register(
    EmergencyRequest,
    household="household",
    personal={
        "caller_phone": Erase(),
        "caller_name": Erase(),
        # The database requires a reason when the priority differs from the suggested one.
        "priority_reason": Redact(),
        "facts": Keep("éléments de vulnérabilité codés, comptés"),
    },
    not_personal={
        FIGURES: (
            "call",
            "household",
            "territory",
            "night",
            "persons",
            "children",
            "women_only",
            "suggested_priority",
            "priority",
            "status",
            "created_by",
        ),
        "place provisoire et reprise d'un appel noté hors ligne (codes)": ("provisional_unit", "replay_task"),
    },
)

register(
    NightAllocation,
    household="request__household",
    not_personal={
        FIGURES: (
            "request",
            "unit",
            "night",
            "status",
            "extension",
            "allocated_by",
            "ended_at",
            "sms_sent_at",
        )
    },
)

register(
    UnmetDemand,
    household="request__household",
    not_personal={FIGURES: ("request", "reason", "recorded_by", "recorded_at")},
)

register(
    PlacesDeclaration,
    not_personal={
        "offre d'une structure, sans ménage": ("facility", "night", "units", "declared_by", "declared_at")
    },
)

NIGHT_FIGURES = "chiffres agrégés d'une nuit"
register(
    NightFigures,
    not_personal={
        NIGHT_FIGURES: (
            "territory",
            "night",
            "requests",
            "request_persons",
            "households",
            "persons",
            "children",
            "family_requests",
            "allocated",
            "unmet",
            "unmet_households",
            "unmet_persons",
            "no_shows",
            "extensions",
            "unmet_by_reason",
            "closed_at",
        )
    },
)

# What counts as a contact with the household, and what keeps it alive.
contact_source(EmergencyCall, household="household", dates=("received_at",))
contact_source(EmergencyRequest, household="household", dates=("night", "updated_at"))


@keep_alive
def _open_for_tonight_or_later(today):
    """A 115 request open for tonight or later."""
    return EmergencyRequest.objects.filter(
        status=RequestStatus.OPEN, night__gte=today, household__isnull=False
    ).values_list("household_id", flat=True)
