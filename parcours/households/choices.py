"""Reference lists of the household file: situations, relationships, AFFIL public families, purposes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Situation(models.TextChoices):
    """Housing situation codes of api-v1.md, in the order of the path from the street to a home."""

    STREET = "street", _("Rue")
    EMERGENCY_NIGHT = "emergency_night", _("Nuitée 115")
    HOTEL = "hotel", _("Hôtel")
    SQUAT = "squat", _("Squat, campement")
    FAMILY_OR_FRIENDS = "family_or_friends", _("Hébergé·e par de la famille ou des amis")
    CHU = "chu", _("CHU (hébergement d'urgence)")
    CHRS = "chrs", _("CHRS")
    INSTITUTION = "institution", _("Institution (hôpital, prison, ASE…)")
    OWN_HOUSING = "own_housing", _("Logement personnel")
    OTHER = "other", _("Autre")


class Relationship(models.TextChoices):
    HEAD = "head", _("Personne de référence")
    SPOUSE = "spouse", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    OTHER = "other", _("Autre")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    UNSPECIFIED = "X", _("Non précisé")


class PublicFamily(models.IntegerChoices):
    """The four families of public of the AFFIL document (seed 001)."""

    STREET_OR_SHELTER = 1, _("1 — Personnes à la rue ou en hébergement d'urgence")
    INSERTION_HOUSING = 2, _("2 — Personnes hébergées en structure d'insertion ou en logement temporaire")
    PRECARIOUS_HOUSING = 3, _("3 — Personnes en habitat précaire ou hébergées chez des tiers")
    HOUSED_AT_RISK = 4, _("4 — Personnes logées en difficulté pour se maintenir dans le logement")


# Suggested public family from the current situation; the worker may change it with a reason.
SUGGESTED_FAMILY = {
    Situation.STREET: PublicFamily.STREET_OR_SHELTER,
    Situation.EMERGENCY_NIGHT: PublicFamily.STREET_OR_SHELTER,
    Situation.CHU: PublicFamily.STREET_OR_SHELTER,
    Situation.HOTEL: PublicFamily.STREET_OR_SHELTER,
    Situation.CHRS: PublicFamily.INSERTION_HOUSING,
    Situation.INSTITUTION: PublicFamily.INSERTION_HOUSING,
    Situation.SQUAT: PublicFamily.PRECARIOUS_HOUSING,
    Situation.FAMILY_OR_FRIENDS: PublicFamily.PRECARIOUS_HOUSING,
    Situation.OWN_HOUSING: PublicFamily.HOUSED_AT_RISK,
}


class ResourceKind(models.TextChoices):
    SALARY = "salary", _("Salaire, revenu d'activité")
    UNEMPLOYMENT = "unemployment", _("Allocation chômage")
    RSA = "rsa", _("RSA")
    AAH = "aah", _("AAH")
    FAMILY_BENEFITS = "family_benefits", _("Prestations familiales")
    HOUSING_BENEFIT = "housing_benefit", _("Aide au logement")
    PENSION = "pension", _("Retraite, pension")
    ADA = "ada", _("ADA (allocation pour demandeur d'asile)")
    OTHER = "other", _("Autre ressource")
    UNSPECIFIED = "unspecified", _("Total déclaré, non détaillé")


class ChargeKind(models.TextChoices):
    RENT = "rent", _("Loyer ou participation à l'hébergement")
    ENERGY = "energy", _("Énergie")
    INSURANCE = "insurance", _("Assurance")
    DEBT = "debt", _("Remboursement de dette")
    CHILDCARE = "childcare", _("Garde d'enfants")
    OTHER = "other", _("Autre charge")


class DaloDecision(models.TextChoices):
    NONE = "", _("Aucune")
    DALO = "dalo", _("DALO (logement)")
    DAHO = "daho", _("DAHO (hébergement)")


class ConsentPurpose(models.TextChoices):
    ORIENTATION = "orientation", _("Orientation (SIAO, commission, structure proposée)")
    SUPPORT = "support", _("Accompagnement")
    EMERGENCY = "emergency", _("Mise à l'abri (115)")
    PREVENTION = "prevention", _("Prévention des expulsions")
    DOCUMENTS = "documents", _("Partage de documents (coffre-fort)")


class ConsentState(models.TextChoices):
    """Where a consent stands on a given day (Consent.state_on): the one answer the household page,
    the API and the access rules share."""

    UPCOMING = "upcoming", _("à venir")
    ACTIVE = "active", _("actif")
    EXPIRED = "expired", _("expiré")
    REVOKED = "revoked", _("retiré")


class InformedHow(models.TextChoices):
    ORALLY = "orally", _("Information orale, en entretien")
    WRITTEN = "written", _("Document écrit remis et expliqué")
    INTERPRETER = "interpreter", _("Avec un·e interprète")
    SIGNED = "signed", _("Formulaire signé")
