"""Insertion requests (demandes SIAO) and the log of their status transitions."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel

from .choices import CLOSED_STATUSES, RequestStatus


class InsertionRequestQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def visible_to(self, user):
        """Exactly the requests of the households the user may view (households.perms.access)."""
        from parcours.households.models import Household

        return self.filter(household__in=Household.objects.visible_to(user))


class InsertionRequest(TimeStampedModel, VersionedModel):
    """A household's request to the SIAO for a place or a dwelling (demande d'insertion)."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        on_delete=models.PROTECT,
        related_name="insertion_requests",
    )
    status = models.CharField(
        _("état"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT, editable=False
    )
    wished_kinds = models.JSONField(_("types d'offre souhaités"), default=list)
    wished_territories = models.JSONField(_("départements souhaités"), default=list)
    max_rent = models.DecimalField(
        _("loyer maximum (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    seniority_date = models.DateField(_("date d'ancienneté"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True, editable=False)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = InsertionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'insertion")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="insreq_status_submitted_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(status__in=sorted(CLOSED_STATUSES)),
                name="insreq_one_live_per_household",
                violation_error_message=_("Ce ménage a déjà une demande d'insertion en cours."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="insreq_known_status",
                violation_error_message=_("État de demande inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(max_rent__isnull=True) | Q(max_rent__gte=0),
                name="insreq_max_rent_not_negative",
                violation_error_message=_("Le loyer maximum ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return _("Demande n° %(n)s") % {"n": self.pk}

    @property
    def is_live(self) -> bool:
        return self.status not in CLOSED_STATUSES


class RequestTransition(models.Model):
    """One change of status: from, to, who, when and why. Never edited."""

    request = models.ForeignKey(
        InsertionRequest, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("de"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=12, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement d'état")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} → {self.to_status}"
