"""How outreach's records are anonymised (registry: parcours.core.retention).

An encounter linked to a household follows its file. Encounters without a file and signalements are
about nobody the registry can name: their free texts (alias, place, note, description, contact) are
erased by `parcours outreach-purge --wet-run` once PARCOURS_OUTREACH_RETENTION_MONTHS have passed
(docs/aller-vers.md); their codes and counts stay for the observatory."""

from parcours.core.retention import Erase, Keep, contact_source, register

from .models import Encounter, OutreachTeam, Round, Signalement, SignalementEvent

FIGURES = "codes, nombres et dates comptés par l'observatoire de l'aller-vers"
PURGED = "texte libre sans ménage, effacé par la commande outreach-purge"

register(
    Encounter,
    household="household",
    personal={
        "alias": Erase(),
        "place": Erase(),
        "note": Erase(),
        "needs": Keep("besoins codés, comptés"),
        "facts": Keep("éléments de vulnérabilité codés, comptés"),
    },
    not_personal={
        FIGURES: (
            "client_id",
            "team",
            "round",
            "met_at",
            "commune",
            "territory",
            "household",
            "age_band",
            "sex",
            "persons",
            "children",
            "given",
            "orientation",
            "follow_up",
            "emergency_request",
            "recorded_by",
        )
    },
)
register(
    OutreachTeam,
    not_personal={
        "une équipe d'une organisation et ses rattachements": (
            "organization",
            "name",
            "kind",
            "members",
            "active",
        )
    },
)
register(
    Round,
    not_personal={
        "une tournée : date, zone, véhicule, bilan sans nom": (
            "team",
            "date",
            "communes",
            "vehicle",
            "summary",
            "closed_at",
            "created_by",
        )
    },
)
register(
    Signalement,
    not_personal={
        FIGURES: (
            "reference",
            "commune",
            "territory",
            "seen_at",
            "status",
            "team",
            "round",
            "encounter",
            "reporter_told_at",
        ),
        PURGED: ("place", "description"),
        "contact du signalant·e, effacé dès qu'il ou elle est informé·e, sinon par outreach-purge": (
            "contact",
        ),
    },
)
register(
    SignalementEvent,
    not_personal={
        FIGURES: ("signalement", "from_status", "to_status", "actor", "at"),
        PURGED: ("note",),
    },
)

contact_source(Encounter, household="household", dates=("met_at",))
