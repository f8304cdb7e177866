"""The engine's configuration as data (rules per kind of offer or facility, ranking weights) and the
few facts of a request the engine needs that no other domain holds (needs, vulnerability, a
commission's justified manual priority)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel
from parcours.offers.choices import FacilityKind

from .choices import RULE_CHOICES, TERM_CHOICES, Vulnerability

MAX_MANUAL_PRIORITY = 50


class RuleSetting(TimeStampedModel, VersionedModel):
    """Whether a rule applies, and with which parameters: for every facility (no kind, no facility),
    for a kind of offer, or for one facility. The most specific row wins; parameters are merged over
    the engine's defaults."""

    rule = models.CharField(_("règle"), max_length=24, choices=RULE_CHOICES)
    kind = models.CharField(_("type d'offre"), max_length=24, choices=FacilityKind.choices, blank=True)
    facility = models.ForeignKey(
        "offers.Facility",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    enabled = models.BooleanField(_("appliquée"), default=True)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("réglage d'une règle")
        ordering = ["rule", "kind", "facility_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "kind"],
                condition=Q(facility__isnull=True),
                name="rulesetting_one_per_kind",
                violation_error_message=_("Cette règle a déjà un réglage pour ce type d'offre."),
            ),
            models.UniqueConstraint(
                fields=["rule", "facility"],
                condition=Q(facility__isnull=False),
                name="rulesetting_one_per_facility",
                violation_error_message=_("Cette règle a déjà un réglage pour cette structure."),
            ),
            models.CheckConstraint(
                condition=Q(facility__isnull=True) | Q(kind=""),
                name="rulesetting_kind_or_facility",
                violation_error_message=_("Un réglage vise un type d'offre ou une structure, pas les deux."),
            ),
        ]

    def __str__(self):
        return f"{self.rule} / {self.kind or self.facility_id or '*'}"


class RankingWeight(TimeStampedModel, VersionedModel):
    """The weight of one ranking term (the score is the sum of weight × value over the terms)."""

    term = models.CharField(_("critère"), max_length=24, choices=TERM_CHOICES, unique=True)
    weight = models.DecimalField(_("poids"), max_digits=8, decimal_places=3)

    class Meta:
        verbose_name = _("poids d'un critère")
        ordering = ["term"]

    def __str__(self):
        return f"{self.term}: {self.weight}"


class RequestFacts(TimeStampedModel, VersionedModel):
    """What the engine needs to know of a request beyond the household file: needs that exclude
    unsuitable units, the vulnerability priority and a commission's manual priority with its reason.

    Nothing here is a health detail: `needs_accessible` says what the dwelling must offer, not why."""

    request = models.OneToOneField(
        "orientation.InsertionRequest",
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="matching_facts",
    )
    vulnerability = models.CharField(
        _("priorité de vulnérabilité"), max_length=2, choices=Vulnerability.choices, blank=True, default=""
    )
    needs_accessible = models.BooleanField(_("a besoin d'un logement accessible (PMR)"), default=False)
    has_pets = models.BooleanField(_("vit avec un animal"), default=False)
    manual_priority = models.PositiveSmallIntegerField(
        _("priorité de la commission (points)"),
        default=0,
        validators=[MaxValueValidator(MAX_MANUAL_PRIORITY)],
    )
    manual_priority_reason = models.TextField(_("motif de la priorité"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("éléments d'orientation d'une demande")
        constraints = [
            models.CheckConstraint(
                condition=Q(manual_priority=0) | ~Q(manual_priority_reason=""),
                name="requestfacts_priority_is_justified",
                violation_error_message=_("Une priorité de la commission est toujours motivée."),
            ),
            models.CheckConstraint(
                condition=Q(manual_priority__lte=MAX_MANUAL_PRIORITY),
                name="requestfacts_priority_bounded",
                violation_error_message=_("La priorité de la commission va de 0 à 50 points."),
            ),
            models.CheckConstraint(
                condition=Q(vulnerability__in=Vulnerability.values),
                name="requestfacts_known_vulnerability",
                violation_error_message=_("Priorité de vulnérabilité inconnue."),
            ),
        ]

    def __str__(self):
        return f"{self.request_id}"
