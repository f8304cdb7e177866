"""Reference lists of street outreach (aller-vers): kinds of team, needs, what was given, orientations,
approximate ages, and the path of a signalement."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    MARAUDE = "maraude", _("Maraude")
    MOBILE = "mobile", _("Équipe mobile")
    DAY_CENTRE = "day_centre", _("Accueil de jour")


class Need(models.TextChoices):
    """What the person says they need (api-v1.md § Street outreach: these codes)."""

    SHELTER = "shelter", _("Mise à l'abri")
    FOOD = "food", _("Alimentation")
    HYGIENE = "hygiene", _("Hygiène")
    HEALTH = "health", _("Santé")
    RIGHTS = "rights", _("Accès aux droits")
    PAPERS = "papers", _("Papiers")
    OTHER = "other", _("Autre")


class Given(models.TextChoices):
    """What the team gave during the encounter."""

    DRINK = "drink", _("Boisson chaude")
    FOOD = "food", _("Repas, collation")
    HYGIENE_KIT = "hygiene_kit", _("Kit d'hygiène")
    BLANKET = "blanket", _("Couverture, duvet")
    CLOTHES = "clothes", _("Vêtements")
    INFORMATION = "information", _("Information, adresses")
    OTHER = "other", _("Autre")


class Orientation(models.TextChoices):
    EMERGENCY_115 = "emergency_115", _("115 appelé")
    DAY_CENTRE = "day_centre", _("Accueil de jour")
    HEALTH = "health", _("Équipe de santé")
    NONE = "none", _("Aucune")
    REFUSED = "refused", _("Refusée")


class AgeBand(models.TextChoices):
    """An approximate age for a person met without a file: no birth date is asked."""

    UNKNOWN = "", _("Âge non estimé")
    MINOR = "minor", _("Moins de 18 ans")
    YOUNG = "18_25", _("18–25 ans")
    ADULT = "26_59", _("26–59 ans")
    SENIOR = "60_plus", _("60 ans et plus")


class ApproxSex(models.TextChoices):
    UNKNOWN = "", _("Non précisé")
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    MIXED = "mixed", _("Groupe mixte")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("reçu")
    TRIAGED = "triaged", _("confié à une équipe")
    ASSIGNED = "assigned", _("inscrit à une tournée")
    HANDLED = "handled", _("traité")
    CLOSED = "closed", _("clos sans suite")


# received → triaged (a team) → assigned (one of its rounds) → handled (the team went); the SIAO may
# close a signalement at any step before it is handled (a duplicate, nobody found, out of territory).
REPORT_TRANSITIONS = {
    ReportStatus.RECEIVED: frozenset({ReportStatus.TRIAGED, ReportStatus.CLOSED}),
    ReportStatus.TRIAGED: frozenset({ReportStatus.ASSIGNED, ReportStatus.HANDLED, ReportStatus.CLOSED}),
    ReportStatus.ASSIGNED: frozenset({ReportStatus.HANDLED, ReportStatus.CLOSED}),
    ReportStatus.HANDLED: frozenset(),
    ReportStatus.CLOSED: frozenset(),
}
OPEN_REPORT_STATUSES = (ReportStatus.RECEIVED, ReportStatus.TRIAGED, ReportStatus.ASSIGNED)
