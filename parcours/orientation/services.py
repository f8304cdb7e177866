"""Writes on insertion requests: creation and every transition of the state machine (choices.TRANSITIONS),
each in a transaction, logged (RequestTransition) and audited (field names only)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core import audit, workflow
from parcours.core.errors import require
from parcours.offers.choices import FacilityKind
from parcours.territories.models import Territory

from . import perms
from .audit_actions import OrientationAuditAction as A
from .choices import RequestStatus, TransitionKind
from .invariants import TransitionConflict, live_conflict_message
from .models import InsertionRequest

S = RequestStatus


def _clean_kinds(kinds) -> list[str]:
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds:
        raise ValidationError({"wished_kinds": _("Indiquez au moins un type d'offre souhaité.")})
    unknown = [k for k in kinds if k not in FacilityKind.values]
    if unknown:
        raise ValidationError(
            {"wished_kinds": _("Types d'offre inconnus : %(k)s.") % {"k": ", ".join(map(str, unknown))}}
        )
    return kinds


def _clean_territories(codes) -> list[str]:
    codes = list(dict.fromkeys(codes or []))
    if not codes:
        raise ValidationError({"wished_territories": _("Indiquez au moins un département souhaité.")})
    known = set(Territory.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"wished_territories": _("Départements inconnus : %(c)s.") % {"c": ", ".join(map(str, unknown))}}
        )
    return codes


def _live_conflict() -> TransitionConflict:
    return TransitionConflict(live_conflict_message())


@transaction.atomic
def request_create(
    *, actor, household, wished_kinds, wished_territories, max_rent: Decimal | None = None
) -> InsertionRequest:
    """Open a draft request for the household; a household has at most one live request."""
    if max_rent is not None and max_rent < 0:
        raise ValidationError({"max_rent": _("Le loyer maximum ne peut pas être négatif.")})
    insertion_request = InsertionRequest(
        household=household,
        wished_kinds=_clean_kinds(wished_kinds),
        wished_territories=_clean_territories(wished_territories),
        max_rent=max_rent,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if InsertionRequest.objects.live().filter(household=household).exists():
        raise _live_conflict()
    try:
        with transaction.atomic():
            insertion_request.save()
    except IntegrityError as exc:
        raise _live_conflict() from exc
    workflow.created(insertion_request, actor=insertion_request.created_by)
    audit.record_write(
        actor=actor,
        action=A.REQUEST_CREATE,
        obj=insertion_request,
        fields=["household", "wished_kinds", "wished_territories", "max_rent"],
    )
    return insertion_request


def _actor_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _dates_of(target: str):
    """The dates a move to `target` sets, read from the locked request (workflow `prepare`)."""

    def prepare(locked: InsertionRequest) -> dict:
        now = timezone.now()
        changes = {}
        if target == S.SUBMITTED:
            changes["submitted_at"] = now
            if locked.seniority_date is None:
                changes["seniority_date"] = timezone.localdate()
        if target == S.VALIDATED and locked.status == S.SUBMITTED:
            changes.update(validated_at=now, renewed_at=None, expiry_reminded_at=None)
        return changes

    return prepare


def transition(
    insertion_request: InsertionRequest,
    target: str,
    *,
    actor,
    reason: str = "",
    action: A | str,
    extra: dict | None = None,
) -> InsertionRequest:
    """Move the request to `target` through its workflow (InsertionRequest.WORKFLOW: the state machine
    and the proposal invariants, checked under the row lock), logged and audited as
    `action` (a member, or the short name of `orientation.request.<action>`)."""
    workflow.transition(
        insertion_request,
        target,
        actor=actor,
        reason=reason,
        action=action if isinstance(action, A) else f"orientation.request.{action}",
        prepare=_dates_of(target),
        on_integrity_error=_live_conflict,
        **(extra or {}),
    )
    insertion_request.refresh_from_db()
    return insertion_request


NOT_YOUR_MOVE = gettext_lazy("Votre rôle ne permet pas ce changement d'état de la demande.")


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif.")})
    return reason


def request_submit(*, actor, insertion_request: InsertionRequest) -> InsertionRequest:
    """Transmit to the SIAO (whoever can edit the household); the seniority date is set at the first
    submission and kept when a request to complete is transmitted again."""
    require(perms.can_submit(actor, insertion_request), NOT_YOUR_MOVE)
    return transition(insertion_request, S.SUBMITTED, actor=actor, action=A.REQUEST_SUBMIT)


def request_ask_completion(*, actor, insertion_request: InsertionRequest, reason: str) -> InsertionRequest:
    """Send back to the referent for completion (SIAO coordinator of the territory, with a reason)."""
    require(perms.can_check(actor, insertion_request), NOT_YOUR_MOVE)
    _require_reason(reason)
    return transition(
        insertion_request, S.TO_COMPLETE, actor=actor, reason=reason, action=A.REQUEST_ASK_COMPLETION
    )


def request_validate(*, actor, insertion_request: InsertionRequest, reason: str = "") -> InsertionRequest:
    """Validate (SIAO coordinator of the territory): the request enters the orientation pool."""
    require(perms.can_check(actor, insertion_request), NOT_YOUR_MOVE)
    return transition(insertion_request, S.VALIDATED, actor=actor, reason=reason, action=A.REQUEST_VALIDATE)


def request_cancel(*, actor, insertion_request: InsertionRequest, reason: str) -> InsertionRequest:
    """Cancel (referent organization or SIAO), with a reason."""
    require(perms.can_cancel(actor, insertion_request), NOT_YOUR_MOVE)
    _require_reason(reason)
    return transition(insertion_request, S.CANCELLED, actor=actor, reason=reason, action=A.REQUEST_CANCEL)


def request_reactivate(*, actor, insertion_request: InsertionRequest, reason: str = "") -> InsertionRequest:
    """Reopen a cancelled or expired request as a draft, keeping its history and seniority date."""
    require(perms.can_reactivate(actor, insertion_request), NOT_YOUR_MOVE)
    return transition(insertion_request, S.DRAFT, actor=actor, reason=reason, action=A.REQUEST_REACTIVATE)


def request_expire(*, actor, insertion_request: InsertionRequest) -> InsertionRequest:
    """Expire a validated request not renewed in time (the daily command; actor is None)."""
    return transition(
        insertion_request,
        S.EXPIRED,
        actor=actor,
        reason=_("Demande non actualisée dans le délai de validité."),
        action=A.REQUEST_EXPIRE,
    )


def log_event(
    insertion_request: InsertionRequest,
    *,
    kind: str,
    actor,
    reason: str = "",
    changes: dict | None = None,
    action: A | None = None,
    audit_fields: list[str] | None = None,
) -> None:
    """Record an event that keeps the status (renewal, transfer, seniority reset, reminder) in the
    request's history, under a row lock, bump its version when it changes a field, and audit it when
    `action` is given."""
    workflow.event(
        insertion_request,
        actor=actor,
        reason=reason,
        action=action,
        audit_fields=audit_fields,
        log_extra={"kind": kind},
        **(changes or {}),
    )


@transaction.atomic
def request_renew(*, actor, insertion_request: InsertionRequest) -> InsertionRequest:
    """Renew (actualiser) a validated request: its validity starts again today. Whoever can edit the
    household (the referent organization or the SIAO)."""
    if insertion_request.status != S.VALIDATED:
        raise TransitionConflict(_("Seule une demande validée s'actualise."))
    require(perms.can_renew(actor, insertion_request), NOT_YOUR_MOVE)
    log_event(
        insertion_request,
        kind=TransitionKind.RENEWAL,
        actor=actor,
        changes={"renewed_at": timezone.now(), "expiry_reminded_at": None},
        action=A.REQUEST_RENEW,
        audit_fields=["renewed_at"],
    )
    insertion_request.refresh_from_db()
    return insertion_request


@transaction.atomic
def request_transfer_referent(
    *, actor, insertion_request: InsertionRequest, organization, referent=None, reason: str
) -> InsertionRequest:
    """Hand the household (and so its request) over to another referent organization and, optionally,
    a named referent of it: the SIAO of the territory or the current referent organization."""
    from parcours.households.services import referent_transfer

    require(perms.can_transfer(actor, insertion_request), NOT_YOUR_MOVE)
    _require_reason(reason)
    referent_transfer(
        actor=actor, household=insertion_request.household, organization=organization, referent=referent
    )
    log_event(
        insertion_request,
        kind=TransitionKind.REFERENT_TRANSFER,
        actor=actor,
        reason=reason,
        action=A.REQUEST_TRANSFER_REFERENT,
        audit_fields=["referent"],
    )
    insertion_request.refresh_from_db()
    return insertion_request


@transaction.atomic
def request_transfer_territory(
    *, actor, insertion_request: InsertionRequest, territory: str, reason: str
) -> InsertionRequest:
    """Hand the request over to the SIAO of another département (the household's ancrage moves there,
    so that SIAO holds the file and this one no longer does). SIAO coordinator of the territory only."""
    from parcours.households.services import household_update

    require(perms.can_check(actor, insertion_request), NOT_YOUR_MOVE)
    _require_reason(reason)
    household = insertion_request.household
    if household.territory.code == territory:
        raise ValidationError({"territory": _("Le ménage est déjà rattaché à ce département.")})
    if not insertion_request.is_live:
        raise TransitionConflict(_("Seule une demande en cours se transfère."))
    household_update(actor=actor, household=household, version=household.version, territory=territory)
    if territory not in insertion_request.wished_territories:
        wished = [territory, *insertion_request.wished_territories]
    else:
        wished = insertion_request.wished_territories
    log_event(
        insertion_request,
        kind=TransitionKind.TERRITORY_TRANSFER,
        actor=actor,
        reason=reason,
        changes={"wished_territories": wished},
        action=A.REQUEST_TRANSFER_TERRITORY,
        audit_fields=["territory", "wished_territories"],
    )
    insertion_request.refresh_from_db()
    return insertion_request


# action name (perms.ACTIONS) → service
SERVICES = {
    "submit": request_submit,
    "ask_completion": request_ask_completion,
    "validate": request_validate,
    "cancel": request_cancel,
    "reactivate": request_reactivate,
}


def perform(action: str, *, actor, insertion_request: InsertionRequest, reason: str = "") -> InsertionRequest:
    service = SERVICES[action]
    if action == "submit":
        return service(actor=actor, insertion_request=insertion_request)
    return service(actor=actor, insertion_request=insertion_request, reason=reason)
