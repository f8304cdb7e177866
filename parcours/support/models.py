"""Support measures (accompagnement), the personal project, the actions log, prevention alerts,
collective workshops and supported-housing programmes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.assessments.models import Perspective
from parcours.core.models import TimeStampedModel, VersionedModel
from parcours.core.workflow import Log, Workflow
from parcours.households.choices import InformedHow

from .choices import (
    ALERT_TRANSITIONS,
    APPOINTMENT_TRANSITIONS,
    MEASURE_TRANSITIONS,
    ActionKind,
    AlertCloseReason,
    AlertKind,
    AlertStatus,
    AppointmentStatus,
    Axis,
    CloseReason,
    Confidentiality,
    EvaluationOutcome,
    FundingSource,
    GoalStatus,
    Intensity,
    MeasureStatus,
)
from .errors import Conflict
from .querysets import (
    AlertQuerySet,
    AppointmentQuerySet,
    MeasureQuerySet,
    ProgrammeQuerySet,
    WorkshopQuerySet,
)

USER = settings.AUTH_USER_MODEL


class MeasureKind(TimeStampedModel):
    """A kind of support measure (AVDL, ASLL…): reference data the network extends, never an enum."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("type de mesure")
        ordering = ["label"]

    def __str__(self):
        return self.label


class Programme(TimeStampedModel, VersionedModel):
    """A joint landlord + association project of supported housing ("10 000 logements HLM accompagnés")."""

    name = models.CharField(_("nom du projet"), max_length=200)
    landlord = models.ForeignKey(
        "accounts.Organization", verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="+"
    )
    association = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin prévue"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    units = models.ManyToManyField("offers.Unit", verbose_name=_("logements"), blank=True, related_name="+")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet de logement accompagné")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("La fin du projet ne peut précéder son début."),
            ),
        ]

    def __str__(self):
        return self.name


class ProgrammeFunding(models.Model):
    """An amount granted to a programme by one funder for one year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("financeur"), max_length=20, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=11, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("financement")
        ordering = ["year", "source", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_funding_not_negative"),
            models.CheckConstraint(
                condition=Q(source__in=FundingSource.values), name="programme_funding_known_source"
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.year}: {self.amount} €"


class ProgrammeHousing(TimeStampedModel):
    """A household housed in one of a programme's units, from a date (until it leaves)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="housings")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("ménage"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "offers.Unit", verbose_name=_("logement"), on_delete=models.PROTECT, related_name="+"
    )
    entered_on = models.DateField(_("entrée le"))
    left_on = models.DateField(_("sortie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ménage logé")
        ordering = ["-entered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("entered_on")),
                name="programme_housing_leaves_after_entry",
                violation_error_message=_("La sortie ne peut précéder l'entrée."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(left_on__isnull=True),
                name="programme_housing_one_household_per_unit",
                violation_error_message=_("Ce logement est déjà occupé par un ménage du projet."),
            ),
        ]

    def __str__(self):
        return f"{self.programme_id}: {self.household_id} ({self.entered_on})"


class SupportMeasure(TimeStampedModel, VersionedModel):
    """One support measure for a household, carried by an organization, with the person's consent."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        on_delete=models.PROTECT,
        related_name="support_measures",
    )
    kind = models.ForeignKey(
        MeasureKind, verbose_name=_("type de mesure"), on_delete=models.PROTECT, related_name="measures"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation qui porte la mesure"),
        on_delete=models.PROTECT,
        related_name="support_measures",
    )
    referent = models.ForeignKey(
        USER, verbose_name=_("référent·e"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("état"), max_length=10, choices=MeasureStatus.choices, editable=False)
    consent_given = models.BooleanField(_("la personne accepte l'accompagnement"))
    consent_on = models.DateField(_("réponse de la personne le"), default=timezone.localdate)
    consent_informed_how = models.CharField(
        _("comment la personne a été informée"),
        max_length=20,
        choices=InformedHow.choices,
        default=InformedHow.ORALLY,
    )
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    next_review_on = models.DateField(_("prochain point d'étape"), null=True, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("projet de logement accompagné"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    source_alert = models.ForeignKey(
        "support.PreventionAlert",
        verbose_name=_("alerte d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = MeasureQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=MEASURE_TRANSITIONS,
        log=Log("support.MeasureTransition", parent="measure", reason="reason", note="comment"),
        labels=MeasureStatus,
        error=Conflict,
    )

    class Meta:
        verbose_name = _("mesure d'accompagnement")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_review_on"], name="measure_status_review_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values),
                name="measure_known_status",
                violation_error_message=_("État de mesure inconnu."),
            ),
            # Support is never imposed: an open or closed measure was accepted; a refusal stays one.
            models.CheckConstraint(
                condition=(
                    Q(status=MeasureStatus.REFUSED) & Q(consent_given=False) & Q(started_on__isnull=True)
                )
                | (~Q(status=MeasureStatus.REFUSED) & Q(consent_given=True) & Q(started_on__isnull=False)),
                name="measure_consent_matches_status",
                violation_error_message=_("Une mesure n'est ouverte qu'avec l'accord de la personne."),
            ),
            models.UniqueConstraint(
                fields=["household", "kind", "organization"],
                condition=Q(status="open"),
                name="measure_one_running_per_kind",
                violation_error_message=_(
                    "Ce ménage a déjà une mesure de ce type en cours dans votre organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="measure_ends_after_start",
                violation_error_message=_("La fin ne peut précéder le début."),
            ),
        ]

    def __str__(self):
        return _("Mesure n° %(n)s") % {"n": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == MeasureStatus.OPEN


class MeasureTransition(models.Model):
    """One change of a measure's status (proposed, refused, opened, closed, reopened). Never edited."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("de"), max_length=10, choices=MeasureStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=10, choices=MeasureStatus.choices)
    actor = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    reason = models.CharField(_("motif"), max_length=20, choices=CloseReason.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("changement d'état de la mesure")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.measure_id}: {self.from_status} → {self.to_status}"


class IntensityChange(models.Model):
    """The measure's intensity from a date: a new row for every change, the history is never overwritten."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="intensities")
    level = models.CharField(_("intensité"), max_length=10, choices=Intensity.choices)
    from_date = models.DateField(_("à partir du"), default=timezone.localdate)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    set_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    set_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("intensité")
        ordering = ["from_date", "set_at", "pk"]

    def __str__(self):
        return f"{self.level} ({self.from_date})"


class MeasureCoworker(TimeStampedModel):
    """Another organization taking part in a measure; it reads the measure only while the household's
    consent naming it is active (checked on every read, see perms)."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="coworkers")
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("rôle dans l'accompagnement"), max_length=200, blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    ended_at = models.DateTimeField(_("retiré le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("co-intervenant·e")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organization"],
                condition=Q(ended_at__isnull=True),
                name="measure_coworker_once",
                violation_error_message=_("Cette organisation intervient déjà dans la mesure."),
            ),
        ]

    def __str__(self):
        return f"{self.measure_id}: {self.organization_id}"


class MeasureReview(TimeStampedModel):
    """A planned review (point d'étape) of the measure, and when it was held."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="reviews")
    planned_on = models.DateField(_("prévu le"))
    held_on = models.DateField(_("tenu le"), null=True, blank=True)
    summary = models.TextField(_("synthèse"), blank=True)
    held_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("point d'étape")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["held_on", "planned_on"], name="review_held_planned_idx")]

    def __str__(self):
        return f"{self.measure_id}: {self.planned_on}"


class ProjectGoal(TimeStampedModel):
    """A goal of the personal project, on one axis, written with the person."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="goals")
    axis = models.CharField(_("axe"), max_length=20, choices=Axis.choices)
    title = models.CharField(_("objectif"), max_length=300)
    written_with_person = models.BooleanField(_("écrit avec la personne"), default=True)
    status = models.CharField(_("état"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("objectif du projet personnalisé")
        ordering = ["axis", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(axis__in=Axis.values), name="goal_known_axis"),
        ]

    def __str__(self):
        return self.title

    @property
    def progress(self) -> int:
        """Share of the goal's steps done, in percent (a reached goal is 100)."""
        if self.status == GoalStatus.REACHED:
            return 100
        steps = list(self.steps.all())
        if not steps:
            return 0
        return round(100 * sum(1 for s in steps if s.done_on) / len(steps))


class GoalStep(TimeStampedModel):
    goal = models.ForeignKey(ProjectGoal, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(_("étape"), max_length=300)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("étape")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.label


class SupportAction(TimeStampedModel):
    """One action of the support: who, when, for how long, and a note with its confidentiality level."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("nature"), max_length=20, choices=ActionKind.choices)
    happened_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("par"))
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(
        ProjectGoal,
        verbose_name=_("objectif"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    confidentiality = models.CharField(
        _("confidentialité de la note"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.SHARED,
    )

    class Meta:
        verbose_name = _("action d'accompagnement")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="action_duration_in_a_day",
                violation_error_message=_("La durée est comprise entre 1 minute et 24 heures."),
            ),
            models.CheckConstraint(condition=Q(kind__in=ActionKind.values), name="action_known_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.happened_on})"


class ClosingEvaluation(TimeStampedModel):
    """One view in the co-evaluation made when a measure closes: the worker's, the person's, the
    landlord's. Each closing keeps its own set (a reopened and closed again measure has two)."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.CASCADE, related_name="evaluations")
    closing = models.ForeignKey(MeasureTransition, on_delete=models.CASCADE, related_name="evaluations")
    perspective = models.CharField(_("point de vue"), max_length=10, choices=Perspective.choices)
    outcome = models.CharField(_("appréciation"), max_length=12, choices=EvaluationOutcome.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("co-évaluation")
        ordering = ["closing", "perspective"]
        constraints = [
            models.UniqueConstraint(fields=["closing", "perspective"], name="closing_evaluation_once"),
        ]

    def __str__(self):
        return f"{self.measure_id}: {self.perspective}"


class PreventionAlert(TimeStampedModel, VersionedModel):
    """A landlord's signal on a household at risk of losing its home, routed to the SIAO and the
    referent association, triaged, then turned into a support measure or closed with a coded reason."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        on_delete=models.PROTECT,
        related_name="prevention_alerts",
    )
    landlord = models.ForeignKey(
        "accounts.Organization", verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(_("nature du signal"), max_length=20, choices=AlertKind.choices)
    detail = models.TextField(_("précisions"), blank=True)
    amount = models.DecimalField(
        _("montant de la dette (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    months = models.PositiveSmallIntegerField(
        _("nombre de mois d'impayés"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    status = models.CharField(
        _("état"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.NEW, editable=False
    )
    siao = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("SIAO destinataire"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    association = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("association référente destinataire"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    assigned_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("prise en charge par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        USER,
        verbose_name=_("personne en charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("à traiter avant le"), null=True, blank=True)
    taken_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True, editable=False)
    measure = models.ForeignKey(
        SupportMeasure,
        verbose_name=_("mesure ouverte"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    close_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=AlertCloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    eviction_avoided = models.BooleanField(_("expulsion évitée"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=ALERT_TRANSITIONS,
        log=Log(
            "support.AlertEvent",
            parent="alert",
            from_field=None,
            to_field="status",
            organization="organization",
        ),
        labels=AlertStatus,
        impossible=_("Cette alerte est déjà traitée."),
        error=Conflict,
    )

    class Meta:
        verbose_name = _("alerte de prévention")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="alert_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values) & Q(kind__in=AlertKind.values),
                name="alert_known_status_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="alert_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=(Q(status=AlertStatus.CLOSED) & ~Q(close_reason="") & Q(closed_at__isnull=False))
                | (~Q(status=AlertStatus.CLOSED) & Q(close_reason="")),
                name="alert_closed_has_reason",
                violation_error_message=_("Une alerte close a un motif de clôture."),
            ),
        ]

    def __str__(self):
        return _("Alerte n° %(n)s") % {"n": self.pk}


class AlertEvent(models.Model):
    """The alert's log: raised, taken, turned into a measure, closed. Never edited."""

    alert = models.ForeignKey(PreventionAlert, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("état"), max_length=10, choices=AlertStatus.choices)
    actor = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    organization = models.ForeignKey(
        "accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape de l'alerte")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.alert_id}: {self.status}"


class Workshop(TimeStampedModel):
    """A collective workshop (atelier logement, club de l'habitant): a programme of sessions for one
    group of households, each enrolment possibly linked to a goal of the household's project."""

    title = models.CharField(_("intitulé"), max_length=200)
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisé par"), on_delete=models.PROTECT, related_name="+"
    )
    axis = models.CharField(_("axe"), max_length=20, choices=Axis.choices, default=Axis.HOME)
    description = models.TextField(_("programme"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier collectif")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class WorkshopSession(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), default=120, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    topic = models.CharField(_("thème de la séance"), max_length=200)

    class Meta:
        verbose_name = _("séance")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.topic


class WorkshopEnrolment(TimeStampedModel):
    """A household in a workshop's group, possibly for one goal of its project."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="enrolments")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("ménage"), on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(
        ProjectGoal,
        verbose_name=_("objectif lié"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inscription")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "household"],
                name="workshop_enrolment_once",
                violation_error_message=_("Ce ménage est déjà inscrit à cet atelier."),
            ),
        ]

    def __str__(self):
        return f"{self.workshop_id}: {self.household_id}"


class Attendance(models.Model):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(WorkshopEnrolment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("présent·e"))

    class Meta:
        verbose_name = _("présence")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.session_id}: {self.enrolment_id} {self.present}"


class Appointment(TimeStampedModel, VersionedModel):
    """An appointment the worker books with a household (or one of its people): the person sees it in
    « Mon espace », confirms it or asks to move it, may be reminded by SMS the day before; once passed
    the worker marks it kept or missed (the support indicators count both)."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("avec qui dans le ménage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Laissez vide pour un rendez-vous avec tout le ménage."),
    )
    measure = models.ForeignKey(
        SupportMeasure,
        verbose_name=_("mesure d'accompagnement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(8 * 60)]
    )
    place = models.CharField(
        _("lieu"),
        max_length=200,
        help_text=_("Une adresse de bureau, « visite à domicile » ou « appel téléphonique »."),
    )
    with_user = models.ForeignKey(
        USER,
        verbose_name=_("avec (membre de l'organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    with_text = models.CharField(
        _("avec (autre personne)"),
        max_length=120,
        blank=True,
        help_text=_("Par exemple : « l'assistante sociale de la CAF »."),
    )
    purpose = models.CharField(
        _("objet"),
        max_length=120,
        help_text=_(
            "Court et sans détail sensible : la personne le lit dans Mon espace et peut-être par SMS "
            "(par exemple « point sur votre demande de logement »)."
        ),
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PLANNED,
        editable=False,
    )
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True, editable=False)

    objects = AppointmentQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=APPOINTMENT_TRANSITIONS,
        log=Log("support.AppointmentEvent", parent="appointment", note="message"),
        labels=AppointmentStatus,
        impossible=_("Impossible : ce rendez-vous est « %(from)s »."),
        error=Conflict,
    )

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="appointment_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="appointment_known_status"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=8 * 60),
                name="appointment_duration_in_a_day",
                violation_error_message=_("La durée est comprise entre 5 minutes et 8 heures."),
            ),
        ]

    def __str__(self):
        return _("Rendez-vous n° %(n)s") % {"n": self.pk}

    @property
    def with_label(self) -> str:
        """Whom the person meets, as they read it: the worker's name, or the free text."""
        if self.with_user_id:
            return self.with_user.get_full_name() or self.with_user.get_username()
        return self.with_text

    @property
    def ends_at(self):
        import datetime as dt

        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class AppointmentEvent(models.Model):
    """The appointment's history: booked, confirmed, move asked (with the person's message), moved,
    kept, missed, cancelled. `actor` is empty when the person acted from « Mon espace ». Never edited."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("de"), max_length=10, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=10, choices=AppointmentStatus.choices)
    actor = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    by_person = models.BooleanField(_("par la personne"), default=False)
    at = models.DateTimeField(_("le"), default=timezone.now)
    starts_at = models.DateTimeField(_("date du rendez-vous"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("étape du rendez-vous")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.appointment_id}: {self.from_status} → {self.to_status}"
