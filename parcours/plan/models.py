"""The strategic plan as data: axes, objectives, actions (owner, dates, status) and indicators —
linked to the observatory's catalogue or entered by hand with their source."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel


class Plan(TimeStampedModel):
    """A multi-year plan of the network (the associative project 2022–2027), assessed at mid-term."""

    title = models.CharField(_("intitulé"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    mid_term_on = models.DateField(_("évaluation à mi-parcours"))
    adopted = models.CharField(_("adopté"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("plan stratégique")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("ends_on"))
                & Q(mid_term_on__gte=models.F("starts_on"))
                & Q(mid_term_on__lte=models.F("ends_on")),
                name="plan_dates_ordered",
                violation_error_message=_(
                    "Le plan commence avant sa fin, et son mi-parcours tombe entre les deux."
                ),
            )
        ]

    def __str__(self):
        return self.title


class Axis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)

    class Meta:
        verbose_name = _("axe")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_axis_number_unique")]

    def __str__(self):
        return _("Axe %(n)s : %(t)s") % {"n": self.number, "t": self.title}


class Objective(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("intitulé"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("objectif")
        ordering = ["axis", "position", "pk"]

    def __str__(self):
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("à engager")
    IN_PROGRESS = "in_progress", _("en cours")
    DONE = "done", _("réalisée")
    ABANDONED = "abandoned", _("abandonnée")


class Action(TimeStampedModel, VersionedModel):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("pilote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_label = models.CharField(_("pilote (instance ou groupe)"), max_length=200, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    note = models.TextField(_("point d'avancement"), blank=True)

    class Meta:
        verbose_name = _("action du plan")
        ordering = ["objective", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="plan_action_known_status",
                violation_error_message=_("État d'action inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(starts_on__lte=models.F("due_on")),
                name="plan_action_dates_ordered",
                violation_error_message=_("L'échéance ne peut précéder le début."),
            ),
        ]

    def __str__(self):
        return self.title

    def is_late(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.due_on is not None
            and self.due_on < on
            and self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
        )


class PlanIndicator(models.Model):
    """What tells whether an objective is reached: an observatory indicator (by code) computed over
    the report's period, or figures entered by hand with their source."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=200)
    indicator_code = models.CharField(_("indicateur de l'observatoire"), max_length=60, blank=True)
    target = models.DecimalField(
        _("cible"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unité"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("indicateur du plan")
        ordering = ["objective", "pk"]

    def __str__(self):
        return self.label


class ManualValue(models.Model):
    """A figure entered by hand for a plan indicator, dated, with where it comes from. Never edited."""

    indicator = models.ForeignKey(PlanIndicator, on_delete=models.CASCADE, related_name="values")
    on = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("valeur saisie")
        ordering = ["indicator", "-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=""),
                name="plan_value_has_source",
                violation_error_message=_("Indiquez la source de la valeur."),
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.on}: {self.value}"
