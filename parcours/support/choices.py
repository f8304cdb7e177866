"""Reference lists of support and prevention: statuses, axes of the personal project, coded reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("en cours")
    REFUSED = "refused", _("refusée par la personne")
    CLOSED = "closed", _("clôturée")


# The measure's small state machine: a refusal is final for that proposal (a new one may be made);
# a closed measure can be reopened — the right to start again — and its history is kept.
MEASURE_TRANSITIONS = {
    MeasureStatus.OPEN: frozenset({MeasureStatus.CLOSED}),
    MeasureStatus.CLOSED: frozenset({MeasureStatus.OPEN}),
    MeasureStatus.REFUSED: frozenset(),
}


class Intensity(models.TextChoices):
    LIGHT = "light", _("légère (veille, contacts espacés)")
    REGULAR = "regular", _("régulière (rencontres mensuelles)")
    STRONG = "strong", _("renforcée (rencontres hebdomadaires)")
    INTENSIVE = "intensive", _("intensive (plusieurs fois par semaine)")


class Axis(models.TextChoices):
    """The axes of the personal project (AFFIL, seed 001, « Nos principes partagés »)."""

    HOME = "home", _("Recherche d'un chez-soi")
    ADMINISTRATIVE = "administrative", _("Démarches administratives")
    DAILY_LIFE = "daily_life", _("Aide à la vie quotidienne")
    HEALTH = "health", _("Prévention, accès aux soins")
    PARENTING = "parenting", _("Soutien à la parentalité")
    MENTAL_HEALTH = "mental_health", _("Santé psychique")
    EMPLOYMENT = "employment", _("Insertion socioprofessionnelle")
    CULTURE = "culture", _("Accès à la culture et aux loisirs")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("en cours")
    REACHED = "reached", _("atteint")
    DROPPED = "dropped", _("abandonné")


class ActionKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Visite à domicile")
    APPOINTMENT = "appointment", _("Rendez-vous")
    CALL = "call", _("Appel téléphonique")
    DWELLING_VISIT = "dwelling_visit", _("Accompagnement à la visite d'un logement")
    ACCOMPANIMENT = "accompaniment", _("Accompagnement à une démarche")
    WORKSHOP = "workshop", _("Atelier collectif")
    PARTNER_MEETING = "partner_meeting", _("Réunion partenariale")
    OTHER = "other", _("Autre")


class Confidentiality(models.TextChoices):
    """Who reads an action's note. A landlord never does, whatever the level."""

    SHARED = "shared", _("Partagée avec les co-intervenant·es de la mesure")
    ORGANIZATION = "organization", _("Réservée à l'organisation qui porte la mesure")
    AUTHOR = "author", _("Réservée à son auteur·e et au/à la référent·e")


class CloseReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Objectifs atteints")
    PERSON_CHOICE = "person_choice", _("Fin souhaitée par la personne")
    RELAYED = "relayed", _("Relais pris par un autre dispositif")
    MOVED = "moved", _("Déménagement hors du territoire")
    NO_CONTACT = "no_contact", _("Perte de contact")
    END_OF_FUNDING = "end_of_funding", _("Fin de la durée prévue")
    OTHER = "other", _("Autre motif")


class EvaluationOutcome(models.TextChoices):
    REACHED = "reached", _("Objectifs atteints")
    PARTLY = "partly", _("Objectifs en partie atteints")
    NOT_REACHED = "not_reached", _("Objectifs non atteints")
    NOT_GIVEN = "not_given", _("Avis non exprimé")


class AlertKind(models.TextChoices):
    """Codes of api-v1.md, « Support and prevention »."""

    UNPAID_RENT = "unpaid_rent", _("Impayés de loyer")
    NEIGHBOUR_TROUBLE = "neighbour_trouble", _("Troubles de voisinage")
    INSURANCE_LAPSE = "insurance_lapse", _("Défaut d'assurance habitation")
    EMPTY_DWELLING = "empty_dwelling", _("Logement apparemment inoccupé")
    OTHER = "other", _("Autre signal")


class AlertStatus(models.TextChoices):
    NEW = "new", _("nouvelle")
    TAKEN = "taken", _("prise en charge")
    MEASURE = "measure", _("accompagnement ouvert")
    CLOSED = "closed", _("close")


# Triage may be redone (taken again by the other organization) until a measure is opened or the
# alert is closed; both are final.
ALERT_TRANSITIONS = {
    AlertStatus.NEW: frozenset({AlertStatus.TAKEN, AlertStatus.MEASURE, AlertStatus.CLOSED}),
    AlertStatus.TAKEN: frozenset({AlertStatus.TAKEN, AlertStatus.MEASURE, AlertStatus.CLOSED}),
    AlertStatus.MEASURE: frozenset(),
    AlertStatus.CLOSED: frozenset(),
}


class AlertCloseReason(models.TextChoices):
    SETTLED = "settled", _("Situation régularisée")
    PAYMENT_PLAN = "payment_plan", _("Plan d'apurement conclu")
    RELAYED = "relayed", _("Orientée vers un autre dispositif (FSL, CCAPEX…)")
    SUPPORT_REFUSED = "support_refused", _("Accompagnement proposé et refusé par la personne")
    NO_CONTACT = "no_contact", _("Ménage injoignable")
    UNFOUNDED = "unfounded", _("Signal non confirmé")
    LEFT = "left", _("Départ du logement")
    EVICTED = "evicted", _("Expulsion")
    OTHER = "other", _("Autre motif")


class FundingSource(models.TextChoices):
    FNAVDL = "fnavdl", _("FNAVDL (fonds national d'accompagnement vers et dans le logement)")
    CGLLS = "cglls", _("CGLLS (fonds de soutien à l'innovation)")
    STATE = "state", _("État (autres crédits)")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale (FSL, département, commune)")
    LANDLORD = "landlord", _("Fonds propres du bailleur")
    ACTION_LOGEMENT = "action_logement", _("Action Logement")
    OTHER = "other", _("Autre financeur")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("prévu")
    CONFIRMED = "confirmed", _("confirmé par la personne")
    MOVE_REQUESTED = "move", _("la personne demande à le déplacer")
    KEPT = "kept", _("honoré")
    MISSED = "missed", _("manqué")
    CANCELLED = "cancelled", _("annulé")


# An appointment waits for the person's answer (planned), is confirmed or asked to be moved; the worker
# moves it (back to planned, at its new date), and once it has passed marks it kept or missed.
_OPEN_APPOINTMENT = frozenset(
    {
        AppointmentStatus.PLANNED,
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.MOVE_REQUESTED,
        AppointmentStatus.KEPT,
        AppointmentStatus.MISSED,
        AppointmentStatus.CANCELLED,
    }
)
APPOINTMENT_TRANSITIONS = {
    AppointmentStatus.PLANNED: _OPEN_APPOINTMENT,
    AppointmentStatus.CONFIRMED: _OPEN_APPOINTMENT - {AppointmentStatus.CONFIRMED},
    AppointmentStatus.MOVE_REQUESTED: _OPEN_APPOINTMENT,
    AppointmentStatus.KEPT: frozenset(),
    AppointmentStatus.MISSED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
}
# Statuses of an appointment still to come (or to be marked kept or missed once passed).
APPOINTMENT_OPEN_STATUSES = frozenset(
    {AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED, AppointmentStatus.MOVE_REQUESTED}
)
