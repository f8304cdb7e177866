"""Reference lists of the 115: vulnerability priorities, facts ticked during a call, statuses, reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """Île-de-France unified vulnerability framework: P1 is the most urgent."""

    P1 = "P1", _("P1 — vulnérabilité très élevée")
    P2 = "P2", _("P2 — vulnérabilité élevée")
    P3 = "P3", _("P3 — vulnérabilité notable")
    P4 = "P4", _("P4 — autres situations")


class Fact(models.TextChoices):
    """What the call handler ticks during the call. Facts, never health details; nationality and
    administrative status are not among them and are never asked."""

    INFANT = "infant", _("Nourrisson de moins de 3 mois")
    PREGNANCY = "pregnancy", _("Grossesse de plus de 6 mois")
    VIOLENCE_DANGER = "violence_danger", _("Victime de violences en danger immédiat")
    TODDLER = "toddler", _("Enfant de moins de 3 ans")
    YOUNG_ON_STREET = "young_on_street", _("18–25 ans à la rue")
    VIOLENCE = "violence", _("Victime de violences")
    HEALTH = "health", _("Problème de santé")
    OVER_65 = "over_65", _("Plus de 65 ans")
    STRONG_VULNERABILITY = "strong_vulnerability", _("Forte vulnérabilité")
    CHILDREN_OVER_3 = "children_over_3", _("Famille avec enfants de plus de 3 ans")


# Which facts put a request in which priority (the highest one wins); P4 otherwise.
PRIORITY_FACTS = {
    Priority.P1: (Fact.INFANT, Fact.PREGNANCY, Fact.VIOLENCE_DANGER),
    Priority.P2: (Fact.TODDLER, Fact.YOUNG_ON_STREET, Fact.VIOLENCE, Fact.HEALTH),
    Priority.P3: (Fact.OVER_65, Fact.STRONG_VULNERABILITY, Fact.CHILDREN_OVER_3),
}


class CallOutcome(models.TextChoices):
    REQUEST = "request", _("Demande de mise à l'abri")
    INFORMATION = "information", _("Information, conseil")
    REDIRECTED = "redirected", _("Orientation vers un autre service")
    INTERRUPTED = "interrupted", _("Appel interrompu")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("en attente")
    ALLOCATED = "allocated", _("place attribuée")
    UNMET = "unmet", _("non pourvue (DNP)")
    CANCELLED = "cancelled", _("annulée")


# A request waits for an answer (open), then gets a place, or none (DNP), or is withdrawn; a place
# given back the same night makes it wait again.
REQUEST_TRANSITIONS = {
    RequestStatus.OPEN: frozenset({RequestStatus.ALLOCATED, RequestStatus.UNMET, RequestStatus.CANCELLED}),
    RequestStatus.ALLOCATED: frozenset({RequestStatus.OPEN}),
    RequestStatus.UNMET: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


class AllocationStatus(models.TextChoices):
    BOOKED = "booked", _("attribuée")
    CANCELLED = "cancelled", _("annulée")
    NO_SHOW = "no_show", _("non présenté·e")


class UnmetReason(models.TextChoices):
    """Coded reasons of an unmet demand (demande non pourvue, DNP)."""

    NO_PLACE = "no_place", _("Aucune place disponible")
    NO_SUITABLE_PLACE = "no_suitable_place", _("Aucune place adaptée à la composition")
    REFUSED_BY_PERSON = "refused_by_person", _("Refus de la personne")
    UNREACHABLE = "unreachable", _("Personne injoignable")
    NIGHT_CLOSED = "night_closed", _("Sans réponse à la clôture de la nuit")
    OTHER = "other", _("Autre motif")
