"""Street outreach (aller-vers): teams and their rounds, the encounters they record in the street
(known households or an alias, commune-level places, never coordinates), and the signalements the
public or partners send, triaged by the SIAO to a team's round."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel
from parcours.core.workflow import Log, Workflow

from .choices import (
    REPORT_TRANSITIONS,
    AgeBand,
    ApproxSex,
    Orientation,
    ReportStatus,
    TeamKind,
)
from .errors import ReportConflict
from .querysets import EncounterQuerySet, ReportQuerySet, RoundQuerySet, TeamQuerySet


class OutreachTeam(TimeStampedModel):
    """A maraude, an équipe mobile or an accueil de jour of one organisation, and its members (social
    workers of that organisation, by their membership)."""

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=12, choices=TeamKind.choices, default=TeamKind.MARAUDE)
    members = models.ManyToManyField(
        "accounts.Membership", verbose_name=_("membres"), related_name="outreach_teams", blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("équipe d'aller-vers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="outreach_team_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=TeamKind.values), name="outreach_team_known_kind"),
        ]

    def __str__(self):
        return self.name


class Round(TimeStampedModel):
    """One tournée of a team: a day, a zone (communes), on foot or with a vehicle; closed with a summary."""

    team = models.ForeignKey(
        OutreachTeam, verbose_name=_("équipe"), on_delete=models.PROTECT, related_name="rounds"
    )
    date = models.DateField(_("date"))
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("zone (communes)"), related_name="+"
    )
    vehicle = models.CharField(_("véhicule"), max_length=60, blank=True)
    # What the team writes at the end (no name: the figures come from the encounters).
    summary = models.TextField(_("bilan de la tournée"), blank=True, max_length=2000)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("tournée")
        ordering = ["-date", "team", "pk"]
        indexes = [models.Index(fields=["team", "date"], name="outreach_round_team_date_idx")]

    def __str__(self):
        return f"{self.team} — {self.date:%d/%m/%Y}"


class Encounter(TimeStampedModel):
    """A person or a group met by a team. Known (a household file the team may see) or not (an alias,
    an approximate age and sex); where, at the precision of a commune and a place label, never GPS
    coordinates. `client_id` is made by the phone, so that a recording sent twice (offline replay, a
    retry) is stored once."""

    client_id = models.UUIDField(_("identifiant client"), unique=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(
        OutreachTeam, verbose_name=_("équipe"), on_delete=models.PROTECT, related_name="encounters"
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("tournée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="encounters",
    )
    met_at = models.DateTimeField(_("rencontré·e le"), default=timezone.now)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("lieu"), max_length=120, blank=True)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_encounters",
    )
    alias = models.CharField(_("surnom ou signe distinctif"), max_length=60, blank=True)
    age_band = models.CharField(_("âge estimé"), max_length=8, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sexe"), max_length=5, choices=ApproxSex.choices, blank=True)
    persons = models.PositiveSmallIntegerField(
        _("personnes"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    children = models.PositiveSmallIntegerField(
        _("dont enfants"), default=0, validators=[MaxValueValidator(29)]
    )
    needs = models.JSONField(_("besoins exprimés"), default=list, blank=True)
    given = models.JSONField(_("ce qui a été donné"), default=list, blank=True)
    # Vulnerability facts of the 115 (emergency.choices.Fact), carried into a 115 request.
    facts = models.JSONField(_("éléments de vulnérabilité"), default=list, blank=True)
    orientation = models.CharField(
        _("orientation"), max_length=14, choices=Orientation.choices, default=Orientation.NONE
    )
    follow_up = models.BooleanField(_("à revoir à la prochaine tournée"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    emergency_request = models.OneToOneField(
        "emergency.EmergencyRequest",
        verbose_name=_("demande 115"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_encounter",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = EncounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencontre")
        ordering = ["-met_at", "-pk"]
        indexes = [
            models.Index(fields=["territory", "met_at"], name="outreach_enc_territory_at_idx"),
            models.Index(fields=["team", "met_at"], name="outreach_enc_team_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(persons__gte=1) & Q(persons__lte=30) & Q(children__lt=models.F("persons")),
                name="outreach_enc_persons_consistent",
                violation_error_message=_("Une rencontre compte au moins un adulte."),
            ),
            models.CheckConstraint(
                condition=Q(orientation__in=Orientation.values), name="outreach_enc_known_orientation"
            ),
        ]

    def __str__(self):
        return _("Rencontre n° %(n)s") % {"n": self.pk}


class Signalement(TimeStampedModel, VersionedModel):
    """A report from the public or a partner about someone who seems to need help, and its path:
    received → triaged (a team) → assigned (a round) → handled, or closed."""

    reference = models.CharField(_("référence"), max_length=12, unique=True, editable=False)
    commune = models.ForeignKey(
        "territories.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("lieu"), max_length=120)
    seen_at = models.DateTimeField(_("vu·e le"))
    description = models.TextField(_("ce que vous avez vu"), max_length=2000)
    # How to call the reporter back (a phone or an e-mail), optional; erased once they were told.
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED, editable=False
    )
    team = models.ForeignKey(
        OutreachTeam,
        verbose_name=_("équipe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("tournée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    encounter = models.ForeignKey(
        Encounter,
        verbose_name=_("rencontre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_told_at = models.DateTimeField(
        _("signalant·e informé·e le"), null=True, blank=True, editable=False
    )

    objects = ReportQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=REPORT_TRANSITIONS,
        log=Log("outreach.SignalementEvent", parent="signalement", note="note"),
        labels=ReportStatus,
        impossible=_("Ce signalement est « %(from)s » : il ne peut pas passer à « %(to)s »."),
        error=ReportConflict,
    )

    class Meta:
        verbose_name = _("signalement")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["territory", "status"], name="outreach_rep_territory_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="outreach_rep_known_status"
            ),
        ]

    def __str__(self):
        return _("Signalement %(ref)s") % {"ref": self.reference}


class SignalementEvent(models.Model):
    """One step of a signalement's path (the counts of the observatory read them)."""

    signalement = models.ForeignKey(Signalement, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        verbose_name = _("étape d'un signalement")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_status", "at"], name="outreach_repev_status_at_idx")]

    def __str__(self):
        return f"{self.signalement_id}: {self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return ReportStatus(self.to_status).label if self.to_status in ReportStatus.values else self.to_status
