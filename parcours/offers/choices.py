"""Reference lists of the offer: kinds of offer (api-v1.md codes), target public, typologies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    CHU = "chu", _("Centre d'hébergement d'urgence (CHU)")
    CHRS = "chrs", _("Centre d'hébergement et de réinsertion sociale (CHRS)")
    CHS = "chs", _("Centre d'hébergement de stabilisation (CHS)")
    HOTEL = "hotel", _("Hôtel (nuitées)")
    HALTE_NUIT = "halte_nuit", _("Halte de nuit")
    RESIDENCE_SOCIALE = "residence_sociale", _("Résidence sociale")
    PENSION_DE_FAMILLE = "pension_de_famille", _("Pension de famille")
    RESIDENCE_ACCUEIL = "residence_accueil", _("Résidence accueil")
    FJT = "fjt", _("Foyer de jeunes travailleurs (FJT)")
    IML = "iml", _("Intermédiation locative (IML)")
    LOGEMENT_ACCOMPAGNE = "logement_accompagne", _("Logement accompagné")
    LOGEMENT_SOCIAL = "logement_social", _("Logement social")


# The offers the 115 allocates night by night; every other kind is reached through the SIAO.
EMERGENCY_KINDS = frozenset({FacilityKind.CHU, FacilityKind.HOTEL, FacilityKind.HALTE_NUIT})


class AcceptedSex(models.TextChoices):
    ANY = "any", _("Tous publics")
    FEMALE = "F", _("Femmes")
    MALE = "M", _("Hommes")


class AcceptedHousehold(models.TextChoices):
    ANY = "any", _("Personnes seules et familles")
    SINGLE = "single", _("Personnes seules")
    FAMILY = "family", _("Familles")


class Typology(models.TextChoices):
    BED = "bed", _("Lit")
    ROOM = "room", _("Chambre")
    T1 = "T1", _("T1")
    T2 = "T2", _("T2")
    T3 = "T3", _("T3")
    T4 = "T4", _("T4")
    T5 = "T5", _("T5")
    T6 = "T6", _("T6 ou plus")


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("à pourvoir")
    FILLED = "filled", _("pourvue")
    WITHDRAWN = "withdrawn", _("retirée")
