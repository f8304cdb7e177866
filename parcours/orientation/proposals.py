"""Writes on proposals: a household proposed for a vacancy, the answer (accepted, or refused with a side
and a coded reason), parking, seniority reset, admission, exit, withdrawal, reminders and partner links.
Each move goes through the proposal's workflow (Proposal.WORKFLOW, core.workflow): one transaction, the
row locked, logged (ProposalEvent) and audited (field names only)."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401  (callers catch it: Forbidden is one)
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core import audit, errors, outbox, workflow
from parcours.core.errors import require
from parcours.notifications import kinds as notification_kinds
from parcours.notifications import services as notifications
from parcours.notifications import texts as notification_texts
from parcours.offers.choices import FacilityKind, VacancyStatus
from parcours.offers.models import Vacancy

from . import perms
from .audit_actions import OrientationAuditAction as A
from .choices import (
    ExitDestination,
    ProposalStatus,
    RefusalSide,
    RequestStatus,
    TransitionKind,
)
from .models import InsertionRequest, Parking, PartnerLink, Proposal, RefusalReason
from .services import TransitionConflict, _actor_or_none, log_event, transition

P = ProposalStatus

LINK_SALT = "parcours.orientation.partner-link"

# What gives the engine's ranking at the moment of a proposal, stored with it so that the decision can
# be re-explained later: `function(vacancy=, request_id=) → dict`. The matching app, which ranks,
# provides it from its AppConfig.ready() (`@ranking_snapshot`); orientation does not import the engine.
RANKING_SNAPSHOT: list[Callable[..., dict]] = []


def ranking_snapshot(function: Callable[..., dict]) -> Callable[..., dict]:
    """Decorator: `function` gives the ranking stored with each new proposal (one provider)."""
    RANKING_SNAPSHOT[:] = [function]
    return function


# The housing situation a household is in once admitted (households.choices.Situation codes).
SITUATION_ON_ADMISSION = {
    FacilityKind.CHU: "chu",
    FacilityKind.HOTEL: "hotel",
    FacilityKind.HALTE_NUIT: "emergency_night",
    FacilityKind.CHRS: "chrs",
    FacilityKind.LOGEMENT_SOCIAL: "own_housing",
}
SITUATION_ON_EXIT = {
    ExitDestination.OWN_HOUSING: "own_housing",
    ExitDestination.SOCIAL_HOUSING: "own_housing",
    ExitDestination.FAMILY_OR_FRIENDS: "family_or_friends",
    ExitDestination.INSTITUTION: "institution",
    ExitDestination.STREET: "street",
}


NOT_YOUR_ACTION = gettext_lazy("Votre rôle ne permet pas cette action sur la proposition.")


def _move(proposal: Proposal, target: str, *, action: A, **kwargs) -> Proposal:
    """Move the proposal through its workflow (Proposal.WORKFLOW): locked, checked, logged, audited."""
    return workflow.transition(proposal, target, action=action, **kwargs).obj


def parked_until(household_id: int, facility_id: int, on: dt.date | None = None) -> dt.date | None:
    """The day until which the household is not proposed again to the facility, if parked."""
    on = on or timezone.localdate()
    parking = (
        Parking.objects.filter(household_id=household_id, facility_id=facility_id, until__gte=on)
        .order_by("-until")
        .first()
    )
    return parking.until if parking else None


def _notify_facility(proposal: Proposal, subject: str, body: str, purpose: str) -> int:
    """Tell the facility's managers (or the landlord's staff) a proposal needs them: a link, no name."""
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import Role

    emails = sorted(
        set(
            Membership.objects.filter(
                organization_id=proposal.vacancy.unit.facility.organization_id,
                role__in=(Role.FACILITY_MANAGER, Role.LANDLORD),
                active=True,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if emails:
        url = settings.PARCOURS_SITE_URL + reverse("orientation:proposal", args=[proposal.pk])
        outbox.send_email(to=emails, subject=subject, body=f"{body}\n\n{url}\n", purpose=purpose)
    return len(emails)


@transaction.atomic
def proposal_create(
    *, actor, insertion_request: InsertionRequest, vacancy: Vacancy, commission_line=None, snapshot=None
) -> Proposal:
    """Propose the household of a validated request for an open vacancy (SIAO coordinator of the
    household's département). Refused when the household is parked for that facility, already holds
    a proposal in progress, or when the vacancy is already proposed (also under concurrency)."""
    require(perms.can_propose(actor, insertion_request), NOT_YOUR_ACTION)
    # Under the vacancy's row lock: a withdrawal at the same moment (offers.services) either comes
    # first and is seen here, or waits and then finds this proposal in progress.
    vacancy = (
        Vacancy.objects.select_related("unit__facility").select_for_update(of=("self",)).get(pk=vacancy.pk)
    )
    if vacancy.status != VacancyStatus.OPEN:
        raise TransitionConflict(_("Cette vacance n'est plus à pourvoir."))
    # Read the request's status under its row lock: two proposals of the same household at the same
    # time queue here, and the second one finds the request already proposed.
    current = (
        InsertionRequest.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=insertion_request.pk)
    )
    if current != RequestStatus.VALIDATED:
        raise TransitionConflict(_("Seule une demande validée peut être proposée sur une vacance."))
    busy = _("Ce ménage a déjà une proposition en cours.")
    if Proposal.objects.open().filter(request__household_id=insertion_request.household_id).exists():
        raise TransitionConflict(busy)
    facility = vacancy.unit.facility
    until = parked_until(insertion_request.household_id, facility.pk)
    if until is not None:
        raise TransitionConflict(
            _("Après un refus, ce ménage n'est pas proposé à nouveau à cette structure avant le %(d)s.")
            % {"d": until.strftime("%d/%m/%Y")}
        )
    taken = _("Cette vacance fait déjà l'objet d'une proposition en cours.")
    if Proposal.objects.linking().filter(vacancy=vacancy).exists():
        raise TransitionConflict(taken)
    if snapshot is None and RANKING_SNAPSHOT:
        # The engine's ranking at this moment, stored so that the decision can be re-explained later.
        snapshot = RANKING_SNAPSHOT[0](vacancy=vacancy, request_id=insertion_request.pk)
    proposal = Proposal(
        request=insertion_request,
        vacancy=vacancy,
        commission_line=commission_line,
        proposed_by=_actor_or_none(actor),
        snapshot=snapshot,
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:
        # proposal_one_live_per_vacancy or proposal_one_open_per_request decided between two writers.
        held = Proposal.objects.open().filter(request_id=insertion_request.pk).exists()
        raise TransitionConflict(busy if held else taken) from exc
    # The request leaves the pool while the proposal is in progress (locks the request row, so a
    # second proposal of the same household at the same time fails on the state machine).
    transition(insertion_request, RequestStatus.PROPOSED, actor=actor, action=A.REQUEST_PROPOSE)
    workflow.created(proposal, actor=actor)
    audit.record_write(actor=actor, action=A.PROPOSAL_CREATE, obj=proposal, fields=["request", "vacancy"])
    _notify_facility(
        proposal,
        _("Parcours : une proposition du SIAO vous attend"),
        _("Le SIAO vous propose un ménage pour une de vos vacances. Répondez depuis Parcours :"),
        "orientation.proposal_notice",
    )
    # The person, if they chose to be told by SMS (sent after the commit; nothing on a rollback).
    notifications.notify_household(
        insertion_request.household_id,
        notification_kinds.NEW_PROPOSAL,
        notification_texts.new_proposal(),
        ref=f"proposal:{proposal.pk}",
    )
    return proposal


def refusal_reasons(side: str | None = None):
    reasons = RefusalReason.objects.filter(active=True)
    return reasons.filter(side=side) if side else reasons


@transaction.atomic
def proposal_decide(
    *,
    actor,
    proposal: Proposal,
    decision: str,
    side: str = "",
    reason: str = "",
    note: str = "",
    via_link: PartnerLink | None = None,
) -> Proposal:
    """Record the answer to a proposal. Accepted: the household and the facility agree; the admission
    follows. Refused: by the household or by the facility, with a coded reason; the request goes back
    to the pool, the household is parked for that facility (PARCOURS_PARKING_DAYS), and an unjustified
    refusal by the household resets the request's seniority date to today."""
    if decision not in (P.ACCEPTED, P.REFUSED):
        raise ValidationError({"decision": _("Réponse inconnue : acceptée ou refusée.")})
    if via_link is None:
        require(perms.can_answer(actor, proposal, side or RefusalSide.FACILITY), NOT_YOUR_ACTION)
    elif via_link.proposal_id != proposal.pk or not via_link.is_usable():
        raise errors.Forbidden(_("Ce lien n'est plus valable."))
    elif side == RefusalSide.HOUSEHOLD:
        raise errors.Forbidden(_("Par ce lien, la structure répond pour elle-même."))
    if via_link is not None:
        _link_used(via_link, action=A.PARTNER_LINK_ANSWER)
    # Through a link, only a proposal still waiting is answered, even if the page answered it while
    # this request waited for the row lock.
    answer = {
        "actor": actor,
        "only_from": {P.PENDING} if via_link is not None else None,
        "refused": _("Cette proposition a déjà reçu une réponse.") if via_link is not None else None,
        "log_extra": {"via_link": via_link},
        "answered_at": timezone.now(),
    }
    if decision == P.ACCEPTED:
        return _move(
            proposal, P.ACCEPTED, action=A.PROPOSAL_ACCEPT, note=note, audit_fields=["status"], **answer
        )
    if side not in RefusalSide.values:
        raise ValidationError({"side": _("Indiquez qui refuse : le ménage ou la structure.")})
    coded = RefusalReason.objects.filter(code=reason, active=True).first()
    if coded is None:
        raise ValidationError({"reason": _("Choisissez un motif de refus dans la liste.")})
    if coded.side != side:
        raise ValidationError({"reason": _("Ce motif ne correspond pas à un refus de ce côté.")})
    resets_seniority = side == RefusalSide.HOUSEHOLD and not coded.justified
    fields = ["status", "refusal_side", "refusal_reason", "parking"]
    moved = _move(
        proposal,
        P.REFUSED,
        action=A.PROPOSAL_REFUSE,
        note=note or coded.label,
        audit_fields=[*fields, *(["seniority_date"] if resets_seniority else [])],
        refusal_side=side,
        refusal_reason=coded,
        **answer,
    )
    today = timezone.localdate()
    Parking.objects.create(
        household_id=moved.request.household_id,
        facility_id=moved.vacancy.unit.facility_id,
        until=today + dt.timedelta(days=settings.PARCOURS_PARKING_DAYS),
        proposal=moved,
    )
    insertion_request = moved.request
    if insertion_request.status == RequestStatus.PROPOSED:
        transition(
            insertion_request,
            RequestStatus.VALIDATED,
            actor=actor,
            reason=_("Proposition refusée : %(r)s") % {"r": coded.label},
            action=A.REQUEST_REFUSAL,
        )
    if resets_seniority:
        log_event(
            insertion_request,
            kind=TransitionKind.SENIORITY_RESET,
            actor=actor,
            reason=_("Refus non motivé par le ménage : l'ancienneté repart du %(d)s.")
            % {"d": today.strftime("%d/%m/%Y")},
            changes={"seniority_date": today},
        )
    moved.refresh_from_db()
    return moved


@transaction.atomic
def proposal_admit(*, actor, proposal: Proposal, entered_on: dt.date, via_link=None) -> Proposal:
    """Record the household's entry: the vacancy is filled, the request admitted, and the household's
    housing situation follows (a CHRS, a dwelling…) from the entry date."""
    from parcours.households.services import situation_change

    if via_link is None:
        require(perms.can_record_stay(actor, proposal), NOT_YOUR_ACTION)
    today = timezone.localdate()
    if entered_on > today + dt.timedelta(days=1):
        raise ValidationError({"entered_on": _("La date d'entrée ne peut être dans le futur.")})
    if entered_on < proposal.created_at.date() - dt.timedelta(days=1):
        raise ValidationError({"entered_on": _("La date d'entrée ne peut précéder la proposition.")})
    moved = _move(
        proposal,
        P.ADMITTED,
        action=A.PROPOSAL_ADMIT,
        actor=actor,
        log_extra={"via_link": via_link},
        audit_fields=["status", "admitted_on"],
        admitted_on=entered_on,
    )
    now = timezone.now()
    # Only an open vacancy is filled: one withdrawn meanwhile (by mistake, or its unit taken out of
    # service) is not silently revived; the SIAO withdraws the proposal or the vacancy is declared again.
    filled = Vacancy.objects.filter(pk=moved.vacancy_id, status=VacancyStatus.OPEN).update(
        status=VacancyStatus.FILLED, filled_at=now, updated_at=now
    )
    if filled != 1:
        raise TransitionConflict(
            _("Cette vacance a été retirée entre-temps : l'entrée ne peut pas y être enregistrée.")
        )
    transition(moved.request, RequestStatus.ADMITTED, actor=actor, action=A.REQUEST_ADMIT)
    situation = SITUATION_ON_ADMISSION.get(moved.vacancy.unit.facility.kind, "other")
    household = moved.request.household
    current_period = household.situations.filter(ended_on__isnull=True).order_by("-started_on").first()
    since = max(entered_on, current_period.started_on) if current_period else entered_on
    situation_change(actor=actor, household=household, situation=situation, since=since, audit_it=False)
    return moved


@transaction.atomic
def proposal_exit(*, actor, proposal: Proposal, exited_on: dt.date, destination: str) -> Proposal:
    """Record the household's exit with its date and destination (own housing, street, unknown…)."""
    from parcours.households.services import situation_change

    require(perms.can_record_stay(actor, proposal), NOT_YOUR_ACTION)
    if destination not in ExitDestination.values:
        raise ValidationError({"destination": _("Choisissez la destination à la sortie.")})
    if proposal.admitted_on and exited_on < proposal.admitted_on:
        raise ValidationError({"exited_on": _("La sortie ne peut précéder l'entrée.")})
    if exited_on > timezone.localdate():
        raise ValidationError({"exited_on": _("La date de sortie ne peut être dans le futur.")})
    moved = _move(
        proposal,
        P.EXITED,
        action=A.PROPOSAL_EXIT,
        actor=actor,
        note=ExitDestination(destination).label,
        audit_fields=["status", "exited_on", "exit_destination"],
        exited_on=exited_on,
        exit_destination=destination,
    )
    household = moved.request.household
    if destination in SITUATION_ON_EXIT:
        situation_change(
            actor=actor,
            household=household,
            situation=SITUATION_ON_EXIT[destination],
            since=max(exited_on, moved.admitted_on),
            audit_it=False,
        )
    return moved


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal, reason: str) -> Proposal:
    """Withdraw a proposal still in progress (SIAO): the request goes back to the pool, no parking."""
    require(perms.can_withdraw_proposal(actor, proposal), NOT_YOUR_ACTION)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif.")})
    moved = _move(
        proposal, P.WITHDRAWN, action=A.PROPOSAL_WITHDRAW, actor=actor, note=reason, audit_fields=["status"]
    )
    if moved.request.status == RequestStatus.PROPOSED:
        transition(
            moved.request,
            RequestStatus.VALIDATED,
            actor=actor,
            reason=reason,
            action=A.REQUEST_WITHDRAW_PROPOSAL,
        )
    return moved


# Partner links --------------------------------------------------------------------------------


@transaction.atomic
def partner_link_create(*, actor, proposal: Proposal, recipient: str) -> tuple[PartnerLink, str]:
    """Issue a signed link valid PARCOURS_PARTNER_LINK_DAYS for a partner without an account, and mail
    it to them. The link shows this proposal and the shared sheet only, so the household's consent
    for the facility's organization must be on record (design §5, rule 3)."""
    from django.core.validators import validate_email

    from parcours.households.choices import ConsentPurpose
    from parcours.households.models import Consent

    require(perms.can_send_partner_link(actor, proposal), NOT_YOUR_ACTION)
    try:
        validate_email(recipient)
    except ValidationError:
        raise ValidationError({"recipient": _("Saisissez une adresse électronique valide.")}) from None
    status = Proposal.objects.select_for_update().values_list("status", flat=True).get(pk=proposal.pk)
    if status != P.PENDING:
        raise TransitionConflict(_("Cette proposition n'attend plus de réponse."))
    organization_id = proposal.vacancy.unit.facility.organization_id
    if (
        not Consent.objects.active()
        .filter(
            household_id=proposal.request.household_id,
            organization_id=organization_id,
            purpose=ConsentPurpose.ORIENTATION,
        )
        .exists()
    ):
        raise ValidationError(
            _(
                "Le ménage n'a pas consenti au partage de sa fiche avec cette structure : "
                "recueillez son consentement avant d'envoyer le lien."
            )
        )
    link = PartnerLink.objects.create(
        proposal=proposal,
        recipient=recipient,
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.PARCOURS_PARTNER_LINK_DAYS),
    )
    # The token names the link and its proposal: it opens that proposal only, and nothing else.
    token = signing.dumps({"link": link.pk, "proposal": proposal.pk}, salt=LINK_SALT)
    url = settings.PARCOURS_SITE_URL + reverse("orientation:partner", args=[token])
    outbox.send_email(
        to=[recipient],
        subject=_("Parcours : une proposition du SIAO vous attend"),
        body=_(
            "Le SIAO vous propose un ménage pour une de vos places. Ce lien personnel est valable "
            "jusqu'au %(d)s ; ne le transférez pas :"
        )
        % {"d": timezone.localtime(link.expires_at).strftime("%d/%m/%Y")}
        + f"\n\n{url}\n",
        purpose="orientation.partner_link",
    )
    workflow.event(proposal, actor=actor, note=_("Lien partenaire envoyé."))
    audit.record_write(actor=actor, action=A.PARTNER_LINK_CREATE, obj=link, fields=["recipient"])
    return link, token


def partner_link_resolve(token: str) -> PartnerLink | None:
    """The link behind a token if its signature is good, it names the link's own proposal, and the
    link is still usable (PartnerLink.is_usable: not expired, revoked or spent, consent in force)."""
    try:
        data = signing.loads(
            token, salt=LINK_SALT, max_age=dt.timedelta(days=settings.PARCOURS_PARTNER_LINK_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("link"), int):
        return None
    link = (
        PartnerLink.objects.select_related(
            "proposal__request__household", "proposal__vacancy__unit__facility"
        )
        .filter(pk=data["link"])
        .first()
    )
    if link is None or data.get("proposal") != link.proposal_id or not link.is_usable():
        return None
    return link


def _link_used(link: PartnerLink, *, action: str) -> None:
    """Every use of a partner link is audited against the link (who: the link, not a user)."""
    PartnerLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    audit.record_write(actor=None, action=action, obj=link, fields=["last_used_at"])


@transaction.atomic
def partner_link_record_read(link: PartnerLink, *, sections) -> None:
    """A read through a partner link is audited against the household, with the link as purpose, and
    the link's use is recorded against the link."""
    _link_used(link, action=A.PARTNER_LINK_VIEW)
    audit.record_read(
        actor=None,
        obj=link.proposal.request.household,
        sections=sections,
        purpose=f"partner_link:{link.pk}",
    )


# Reminders -------------------------------------------------------------------------------------


def proposals_to_chase(on: dt.date | None = None):
    """Proposals waiting for an answer for PARCOURS_PROPOSAL_REMINDER_DAYS or more and not chased in
    that time."""
    on = on or timezone.localdate()
    edge = timezone.make_aware(
        dt.datetime.combine(on - dt.timedelta(days=settings.PARCOURS_PROPOSAL_REMINDER_DAYS), dt.time.max)
    )
    return (
        Proposal.objects.filter(status=P.PENDING, created_at__lte=edge)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=edge))
        .select_related("vacancy__unit__facility")
    )


@transaction.atomic
def proposal_remind(*, proposal: Proposal) -> int:
    """Chase the facility about a proposal left unanswered; returns how many people were mailed."""
    sent = _notify_facility(
        proposal,
        _("Parcours : une proposition attend toujours votre réponse"),
        _("Une proposition du SIAO attend votre réponse depuis plusieurs jours :"),
        "orientation.proposal_reminder",
    )
    # The reminder date is no edit of the proposal: its version stays.
    Proposal.objects.filter(pk=proposal.pk).update(reminded_at=timezone.now())
    workflow.event(
        proposal,
        actor=None,
        note=_("Relance envoyée à la structure."),
        action=A.PROPOSAL_REMIND,
        audit_fields=["reminded_at"],
    )
    return sent
