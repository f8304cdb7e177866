"""The 115: calls, night requests, night allocations (never two on one unit and night), unmet demand,
facilities' declarations of tonight's free places, and the per-night figures kept by the rollover."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel
from parcours.core.workflow import Workflow

from .choices import REQUEST_TRANSITIONS, AllocationStatus, CallOutcome, Priority, RequestStatus, UnmetReason
from .errors import Conflict
from .querysets import AllocationQuerySet, CallQuerySet, RequestQuerySet


class EmergencyCall(TimeStampedModel):
    """One call to the 115, possibly from a person who does not give their name."""

    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("écoutant·e"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_calls",
    )
    outcome = models.CharField(
        _("suite de l'appel"), max_length=12, choices=CallOutcome.choices, default=CallOutcome.REQUEST
    )
    # Only to text the address of a place; erased when the night is closed (see the rollover).
    caller_phone = models.CharField(_("téléphone de l'appelant·e"), max_length=20, blank=True)
    # What the call handler wants the next one to know (where the person waits, what was said).
    # Free text about a person: in the right-of-access export, erased by the retention run.
    note = models.TextField(_("note sur l'appel"), blank=True, max_length=1000)
    # Continuity mode (docs/continuite.md): a call noted in a browser without network carries the id
    # the browser gave it, so that replaying it twice, even at the same instant, records it once.
    client_id = models.UUIDField(
        _("identifiant hors ligne"), null=True, blank=True, unique=True, editable=False
    )
    recorded_offline = models.BooleanField(_("noté hors ligne"), default=False, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel 115")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["territory", "received_at"], name="emcall_territory_at_idx")]

    def __str__(self):
        return _("Appel n° %(n)s") % {"n": self.pk}


def night_still_open(request, current: str, target: str) -> str | None:
    """The request workflow's guard: no answer once the night is closed."""
    from .nights import is_closed

    if is_closed(request.night):
        return str(_("Cette nuit est close : la demande ne peut plus recevoir de réponse."))
    return None


class EmergencyRequest(TimeStampedModel, VersionedModel):
    """A household's (or an anonymous caller's) request for a place on one night."""

    call = models.ForeignKey(
        EmergencyCall, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("ménage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_requests",
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    night = models.DateField(_("nuit du"))
    persons = models.PositiveSmallIntegerField(
        _("nombre de personnes"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    children = models.PositiveSmallIntegerField(
        _("dont enfants mineurs"), default=0, validators=[MaxValueValidator(29)]
    )
    women_only = models.BooleanField(_("femmes seules ou avec enfants"), default=False)
    facts = models.JSONField(_("éléments de vulnérabilité"), default=list, blank=True)
    suggested_priority = models.CharField(
        _("priorité suggérée"), max_length=2, choices=Priority.choices, editable=False
    )
    priority = models.CharField(_("priorité"), max_length=2, choices=Priority.choices)
    priority_reason = models.TextField(_("motif de la priorité retenue"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN, editable=False
    )
    caller_phone = models.CharField(_("téléphone pour le SMS"), max_length=20, blank=True)
    # A first name or nickname given by a caller who opens no file, so that the waiting list says who
    # is waiting; erased with the phone number when the night is closed (see the rollover).
    caller_name = models.CharField(_("prénom ou surnom donné"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Continuity mode: the place chosen provisionally without network, and why it could not be
    # booked at the replay (« place_taken »…): the request stays open, a task for the 115 team.
    provisional_unit = models.ForeignKey(
        "offers.Unit",
        verbose_name=_("place provisoire (hors ligne)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    replay_task = models.CharField(
        _("à reprendre après l'envoi différé"), max_length=20, blank=True, editable=False
    )

    objects = RequestQuerySet.as_manager()

    # The status moves through core.workflow; the version guards the edited fields (the priority)
    # only, and the 115's history is its allocations and unmet demands: no version bump, no log.
    WORKFLOW = Workflow(
        transitions=REQUEST_TRANSITIONS,
        labels=RequestStatus,
        impossible=_("Cette demande a déjà reçu une réponse (« %(from)s »)."),
        error=Conflict,
        guard=night_still_open,
        versioned=False,
    )

    class Meta:
        verbose_name = _("demande 115")
        ordering = ["night", "priority", "created_at", "pk"]
        indexes = [
            models.Index(fields=["territory", "night", "status"], name="emreq_territory_night_idx"),
            models.Index(fields=["household", "night"], name="emreq_household_night_idx"),
            # The observatory's whole-network figures over a month (no territory to lead the index
            # above): without it, a parallel scan of every request (1 s on 10 M requests, issue 18).
            models.Index(fields=["night"], name="emreq_night_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "night"],
                condition=Q(household__isnull=False) & ~Q(status="cancelled"),
                name="emreq_one_live_per_household_night",
                violation_error_message=_("Ce ménage a déjà une demande pour cette nuit."),
            ),
            models.CheckConstraint(
                condition=Q(persons__gte=1) & Q(children__lt=models.F("persons")),
                name="emreq_persons_consistent",
                violation_error_message=_("Un ménage compte au moins un adulte."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values)
                & Q(priority__in=Priority.values)
                & Q(suggested_priority__in=Priority.values),
                name="emreq_known_codes",
            ),
            models.CheckConstraint(
                condition=Q(priority=models.F("suggested_priority")) | ~Q(priority_reason=""),
                name="emreq_override_has_reason",
                violation_error_message=_("Donnez le motif d'une priorité différente de celle suggérée."),
            ),
        ]

    def __str__(self):
        return _("Demande 115 n° %(n)s") % {"n": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def family(self) -> bool:
        return self.children > 0


class NightAllocation(TimeStampedModel):
    """A unit given to a request for one night. A unit is booked at most once per night: the database
    refuses the second booking, whatever the number of call handlers clicking at the same time."""

    request = models.ForeignKey(
        EmergencyRequest, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="allocations"
    )
    unit = models.ForeignKey(
        "offers.Unit", verbose_name=_("place"), on_delete=models.PROTECT, related_name="night_allocations"
    )
    night = models.DateField(_("nuit du"))
    status = models.CharField(
        _("état"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.BOOKED
    )
    extension = models.BooleanField(_("prolongation"), default=False)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    ended_at = models.DateTimeField(_("annulée le"), null=True, blank=True, editable=False)
    sms_sent_at = models.DateTimeField(_("SMS envoyé le"), null=True, blank=True, editable=False)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nuitée attribuée")
        ordering = ["night", "pk"]
        indexes = [models.Index(fields=["night", "status"], name="emalloc_night_status_idx")]
        constraints = [
            # A cancelled booking or a no-show gives the unit back for that night.
            models.UniqueConstraint(
                fields=["unit", "night"],
                condition=Q(status="booked"),
                name="emalloc_one_booking_per_unit_night",
                violation_error_message=_("Cette place vient d'être attribuée pour cette nuit."),
            ),
            models.UniqueConstraint(
                fields=["request", "night"],
                condition=Q(status="booked"),
                name="emalloc_one_booking_per_request_night",
                violation_error_message=_("Cette demande a déjà une place pour cette nuit."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values), name="emalloc_known_status"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} — {self.night}"


class UnmetDemand(models.Model):
    """A request that got no place (demande non pourvue, DNP), with its coded reason."""

    request = models.OneToOneField(
        EmergencyRequest, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="unmet"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=UnmetReason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("demande non pourvue")
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=UnmetReason.values), name="emunmet_known_reason")
        ]

    def __str__(self):
        return f"{self.request_id}: {self.reason}"


class PlacesDeclaration(models.Model):
    """A facility's declaration of the units it can give the 115 for one night. Without a declaration
    for that night, every active unit of an emergency facility is offered to the 115."""

    facility = models.ForeignKey(
        "offers.Facility", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+"
    )
    night = models.DateField(_("nuit du"))
    units = models.ManyToManyField(
        "offers.Unit", verbose_name=_("places libres"), related_name="+", blank=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    declared_at = models.DateTimeField(_("déclarée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("déclaration de places libres")
        ordering = ["-night", "facility"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "night"], name="emdecl_one_per_facility_night")
        ]

    def __str__(self):
        return f"{self.facility_id} — {self.night}"


class NightFigures(models.Model):
    """The figures of one closed night in one département, stored by the rollover (reused by the
    observatory). Definitions: see `figures.py` and docs/urgence-115.md."""

    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, related_name="+")
    night = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    request_persons = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    family_requests = models.PositiveIntegerField(default=0)
    allocated = models.PositiveIntegerField(default=0)
    unmet = models.PositiveIntegerField(default=0)
    unmet_households = models.PositiveIntegerField(default=0)
    unmet_persons = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)
    unmet_by_reason = models.JSONField(default=dict)
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chiffres d'une nuit")
        ordering = ["territory", "night"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "night"], name="emfigures_one_per_territory_night")
        ]

    def __str__(self):
        return f"{self.territory_id} — {self.night}"
