"""Insertion requests (demandes SIAO) and their history; commissions, proposals, refusal reasons, parking
and the signed links through which partners without an account answer a proposal."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel
from parcours.core.workflow import Log, Workflow

from .choices import (
    CLOSED_STATUSES,
    COMMISSION_TRANSITIONS,
    LINKING_PROPOSAL_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    PROPOSAL_TRANSITIONS,
    CommissionStatus,
    ExitDestination,
    LineDecision,
    LineKind,
    ProposalStatus,
    RefusalSide,
    RequestStatus,
    TransitionKind,
)
from .choices import TRANSITIONS as REQUEST_TRANSITIONS
from .invariants import CommissionConflict, TransitionConflict, request_guard


class InsertionRequestQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def visible_to(self, user, *, include_merged: bool = False):
        """Exactly the requests of the households the user may view (households.perms.access); with
        `include_merged`, those of a file merged into another too (the request's page opens them, as
        the household's page opens the merged file)."""
        from parcours.households.models import Household

        return self.filter(household__in=Household.objects.visible_to(user, include_merged=include_merged))

    def visibility_key(self, user, *, include_merged: bool = False):
        """All that `visible_to(user, …)` depends on, for a lookup whose SQL is compiled once per key
        (core.lookup.get_visible_or_404's `compiled_as`, issue 18): the households' rule, whose key
        is HouseholdQuerySet.visibility_key's. None (no compiled SQL) for whoever sees no household.
        Change it with `visible_to` (tests/orientation/test_orientation_speed.py compares both)."""
        from parcours.households.models import Household

        return Household.objects.visibility_key(user, include_merged=include_merged)


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
    # A validated request stays valid three months from its validation or its last renewal.
    renewed_at = models.DateTimeField(_("actualisée le"), null=True, blank=True, editable=False)
    expiry_reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = InsertionRequestQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=REQUEST_TRANSITIONS,
        log=Log("orientation.RequestTransition", parent="request", reason="reason"),
        labels=RequestStatus,
        impossible=_("Impossible de passer une demande « %(from)s » à l'état « %(to)s »."),
        error=TransitionConflict,
        guard=request_guard,
    )

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

    @property
    def valid_until(self):
        """The day a validated request expires unless it is renewed (three months by default)."""
        from .expiry import valid_until

        return valid_until(self)


class RequestTransition(models.Model):
    """One change of status: from, to, who, when and why. Never edited."""

    request = models.ForeignKey(
        InsertionRequest, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="transitions"
    )
    kind = models.CharField(
        _("nature"), max_length=20, choices=TransitionKind.choices, default=TransitionKind.STATUS
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


class RefusalReason(models.Model):
    """A coded reason for refusing a proposal (reference list, served by the API). An unjustified
    refusal by the household resets the request's seniority date; a justified one does not."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    side = models.CharField(_("côté"), max_length=10, choices=RefusalSide.choices)
    justified = models.BooleanField(_("motif légitime"), default=True)
    active = models.BooleanField(_("en usage"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("motif de refus")
        ordering = ["side", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(side__in=RefusalSide.values),
                name="refusal_reason_known_side",
                violation_error_message=_("Côté de refus inconnu."),
            )
        ]

    def __str__(self):
        return self.label


class Commission(TimeStampedModel, VersionedModel):
    """A session of the orientation commission of a département: its agenda, decisions and minutes."""

    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date de la séance"))
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=CommissionStatus.choices, default=CommissionStatus.PLANNED
    )
    minutes = models.TextField(_("compte rendu"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    WORKFLOW = Workflow(
        transitions=COMMISSION_TRANSITIONS,
        labels=CommissionStatus,
        impossible=_("Cette commission est close : son compte rendu est établi."),
        error=CommissionConflict,
    )

    class Meta:
        verbose_name = _("commission d'orientation")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommissionStatus.values),
                name="commission_known_status",
                violation_error_message=_("État de commission inconnu."),
            )
        ]

    def __str__(self):
        return self.title or _("Commission du %(d)s") % {"d": self.held_on.strftime("%d/%m/%Y")}

    @property
    def is_closed(self) -> bool:
        return self.status == CommissionStatus.CLOSED


class CommissionLine(models.Model):
    """One line of the agenda: a request to review or a vacancy to fill, and the decision taken."""

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("nature"), max_length=8, choices=LineKind.choices)
    request = models.ForeignKey(
        InsertionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="commission_lines"
    )
    vacancy = models.ForeignKey(
        "offers.Vacancy", null=True, blank=True, on_delete=models.PROTECT, related_name="commission_lines"
    )
    position = models.PositiveIntegerField(_("rang"), default=0)
    decision = models.CharField(_("décision"), max_length=12, choices=LineDecision.choices, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne de l'ordre du jour")
        ordering = ["commission", "kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=LineKind.REQUEST) & Q(request__isnull=False) & Q(vacancy__isnull=True))
                | (Q(kind=LineKind.VACANCY) & Q(vacancy__isnull=False) & Q(request__isnull=True)),
                name="commission_line_one_subject",
                violation_error_message=_("Une ligne porte sur une demande ou sur une vacance."),
            ),
            models.UniqueConstraint(
                fields=["commission", "request"],
                condition=Q(request__isnull=False),
                name="commission_line_request_once",
                violation_error_message=_("Cette demande est déjà à l'ordre du jour."),
            ),
            models.UniqueConstraint(
                fields=["commission", "vacancy"],
                condition=Q(vacancy__isnull=False),
                name="commission_line_vacancy_once",
                violation_error_message=_("Cette vacance est déjà à l'ordre du jour."),
            ),
        ]

    def __str__(self):
        return f"{self.commission_id}/{self.pk}"

    @property
    def made_proposal(self):
        """The proposal this line's decision made, if any (a reverse one-to-one that may be absent)."""
        try:
            return self.proposal
        except Proposal.DoesNotExist:
            return None


class ProposalQuerySet(models.QuerySet):
    def linking(self):
        return self.filter(status__in=sorted(LINKING_PROPOSAL_STATUSES))

    def open(self):
        """Proposals in progress: waiting for an answer, or accepted and waiting for the entry."""
        return self.filter(status__in=sorted(OPEN_PROPOSAL_STATUSES))

    def visible_to(self, user):
        """Proposals the user may open: those of requests they may view (SIAO, referent…), and those
        on the units of the organization a facility manager or landlord works for."""
        from parcours.accounts.perms import active_membership
        from parcours.accounts.roles import Role

        membership = active_membership(user)
        if membership is None:
            return self.none()
        if membership.role in (Role.FACILITY_MANAGER, Role.LANDLORD):
            return self.filter(vacancy__unit__facility__organization_id=membership.organization_id)
        return self.filter(request__in=InsertionRequest.objects.visible_to(user))


class Proposal(TimeStampedModel, VersionedModel):
    """A household (through its request) proposed for a vacancy: the answer, then admission and exit."""

    request = models.ForeignKey(
        InsertionRequest, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="proposals"
    )
    vacancy = models.ForeignKey(
        "offers.Vacancy", verbose_name=_("vacance"), on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        editable=False,
    )
    commission_line = models.OneToOneField(
        CommissionLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True, editable=False)
    refusal_side = models.CharField(_("refus"), max_length=10, choices=RefusalSide.choices, blank=True)
    refusal_reason = models.ForeignKey(
        RefusalReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admitted_on = models.DateField(_("date d'entrée"), null=True, blank=True)
    exited_on = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_destination = models.CharField(
        _("destination à la sortie"), max_length=20, choices=ExitDestination.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True, editable=False)
    # The matching engine's input and ranking when the proposal was made, to re-explain it years later.
    snapshot = models.JSONField(_("instantané du classement"), null=True, blank=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    WORKFLOW = Workflow(
        transitions=PROPOSAL_TRANSITIONS,
        log=Log("orientation.ProposalEvent", parent="proposal", note="note"),
        labels=ProposalStatus,
        impossible=_("Impossible de passer une proposition « %(from)s » à l'état « %(to)s »."),
        error=TransitionConflict,
        # The services read the facility of the proposal's vacancy right after a move.
        lock_related=("vacancy__unit__facility",),
    )

    class Meta:
        verbose_name = _("proposition")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_created_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(status__in=sorted(LINKING_PROPOSAL_STATUSES)),
                name="proposal_one_live_per_vacancy",
                violation_error_message=_("Cette vacance fait déjà l'objet d'une proposition en cours."),
            ),
            # One proposal in progress per request, hence per household (one live request each, and
            # a proposed request moves only with its proposal: invariants.py).
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=sorted(OPEN_PROPOSAL_STATUSES)),
                name="proposal_one_open_per_request",
                violation_error_message=_("Ce ménage a déjà une proposition en cours."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values),
                name="proposal_known_status",
                violation_error_message=_("État de proposition inconnu."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REFUSED)
                | (Q(refusal_reason__isnull=False) & Q(refusal_side__in=RefusalSide.values)),
                name="proposal_refusal_is_coded",
                violation_error_message=_("Un refus porte un côté et un motif codé."),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True)
                | (Q(admitted_on__isnull=False) & Q(exited_on__gte=models.F("admitted_on"))),
                name="proposal_exit_after_entry",
                violation_error_message=_("La sortie ne peut précéder l'entrée."),
            ),
        ]

    def __str__(self):
        return _("Proposition n° %(n)s") % {"n": self.pk}

    @property
    def facility(self):
        return self.vacancy.unit.facility


class ProposalEvent(models.Model):
    """One step of a proposal: made, answered, admission, exit, reminder, partner link. Never edited."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("de"), max_length=10, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=10, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    via_link = models.ForeignKey(
        "PartnerLink", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    note = models.TextField(_("précision"), blank=True)

    class Meta:
        verbose_name = _("étape de proposition")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class Parking(models.Model):
    """After a refusal, the household is not proposed again to that facility until a date."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="parkings")
    facility = models.ForeignKey("offers.Facility", on_delete=models.CASCADE, related_name="parkings")
    until = models.DateField(_("jusqu'au"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="parkings")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mise en attente après refus")
        indexes = [models.Index(fields=["household", "facility", "until"], name="parking_lookup_idx")]

    def __str__(self):
        return f"{self.household_id} × {self.facility_id} → {self.until}"


class PartnerLink(models.Model):
    """A signed, expiring link through which a partner without an account reads one proposal and the
    shared sheet, and answers it. Every use is audited."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partner_links")
    recipient = models.CharField(_("destinataire"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière consultation"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien partenaire")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Lien n° %(n)s") % {"n": self.pk}

    def is_usable(self, now=None) -> bool:
        """Whether the link still opens anything, decided here for every use (view and answer): not
        revoked nor expired, its proposal still waiting for an answer (once answered by any path —
        the link, the page, the API — or withdrawn, the link is spent), and the household's consent
        to share its sheet with the facility's organization for orientation still in force (revoked
        or expired, the link stops)."""
        from parcours.households.choices import ConsentPurpose
        from parcours.households.models import Consent

        now = now or timezone.now()
        if self.revoked_at is not None or now >= self.expires_at:
            return False
        proposal = (
            Proposal.objects.filter(pk=self.proposal_id)
            .values("status", "request__household_id", "vacancy__unit__facility__organization_id")
            .first()
        )
        if proposal is None or proposal["status"] != ProposalStatus.PENDING:
            return False
        return (
            Consent.objects.active(on=timezone.localdate(now))
            .filter(
                household_id=proposal["request__household_id"],
                organization_id=proposal["vacancy__unit__facility__organization_id"],
                purpose=ConsentPurpose.ORIENTATION,
            )
            .exists()
        )
