"""How the household file is anonymised by the retention run (registry: parcours.core.retention)."""

from django.utils.translation import gettext as _

from parcours.core.retention import Erase, Keep, Replace, YearOnly, contact_source, register
from parcours.core.text import fold

from . import timeline
from .models import Consent, Household, MoneyLine, Person, SituationPeriod

ANONYMOUS_FIRST_NAME = "Personne"
ANONYMOUS_LAST_NAME = "anonymisée"

CODED = "codes, dates et rattachements comptés par l'observatoire"

register(
    Household,
    household="",
    personal={
        "address": Erase(),
        "phone": Erase(),
        "public_family_reason": Erase(),
        "si_siao_number": Erase(),
        "sne_number": Erase(),
        "protected_viewers": Erase(),
        "public_family": Keep(CODED),
        "dalo_decision": Keep(CODED),
        "dalo_decision_on": Keep(CODED),
        "syplo_labelled": Keep(CODED),
        "syplo_labelled_on": Keep(CODED),
        "protected": Keep("indicateur de protection, sans valeur identifiante"),
    },
    not_personal={
        "rattachements du dossier (département, organisation, professionnel·le)": (
            "territory",
            "referent_organization",
            "referent",
            "dalo_territory",
            "merged_into",
        ),
        "dates de gestion du dossier": ("last_contact_at", "anonymised_at"),
    },
)

register(
    Person,
    household="household",
    personal={
        "first_name": Replace(ANONYMOUS_FIRST_NAME),
        "last_name": Replace(ANONYMOUS_LAST_NAME),
        "search_text": Replace(fold(f"{ANONYMOUS_FIRST_NAME} {ANONYMOUS_LAST_NAME}")),
        "birth_date": YearOnly(),
        "sex": Keep("composition des ménages comptée par l'observatoire"),
        "relationship": Keep("composition des ménages comptée par l'observatoire"),
        "left_on": Keep("date d'un évènement du parcours"),
    },
    not_personal={"rattachement": ("household",)},
)

register(
    SituationPeriod,
    household="household",
    personal={"situation": Keep(CODED), "started_on": Keep(CODED), "ended_on": Keep(CODED)},
    not_personal={"rattachements": ("household", "recorded_by")},
)

register(
    MoneyLine,
    household="household",
    personal={"kind": Keep(CODED), "monthly_amount": Keep("montants agrégés, sans valeur identifiante")},
    not_personal={"rattachement et nature": ("household", "is_resource")},
)

register(
    Consent,
    household="household",
    not_personal={
        "trace du consentement (organisation, finalité, dates, codes)": (
            "household",
            "organization",
            "purpose",
            "starts_on",
            "ends_on",
            "informed_how",
            "recorded_by",
            "revoked_at",
            "revoked_by",
        )
    },
)


@timeline.register
def anonymised_step(user, household):
    """The path says when the file was anonymised, to whoever may open it: the blank names and texts
    are explained, not mistaken for a loss."""
    if household.anonymised_at is not None:
        yield timeline.Step(
            at=household.anonymised_at,
            domain="household",
            label=_("Dossier anonymisé (durée de conservation sans contact écoulée)"),
        )


# What counts as a contact with the household (its last contact starts the retention period).
contact_source(Household, household="pk", dates=("created_at", "updated_at", "last_contact_at"))
contact_source(SituationPeriod, household="household", dates=("created_at", "started_on", "ended_on"))
contact_source(Person, household="household", dates=("updated_at",))
contact_source(Consent, household="household", dates=("created_at", "revoked_at"))
