"""Writes of prevention alerts: raising, taking, opening a measure, closing."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Membership, Organization
from parcours.accounts.roles import OrganizationType, Role
from parcours.core import audit, workflow
from parcours.core.errors import require

from .. import perms
from ..audit_actions import SupportAuditAction as A
from ..choices import AlertCloseReason, AlertKind, AlertStatus, Intensity
from ..models import MeasureKind, PreventionAlert, SupportMeasure
from ._common import _membership, _user
from .measures import measure_create


def _siao_of(territory_id) -> Organization | None:
    return (
        Organization.objects.active()
        .filter(type=OrganizationType.SIAO_OPERATOR, territory_id=territory_id)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def alert_raise(
    *,
    actor,
    household,
    kind: str,
    detail: str = "",
    amount: Decimal | None = None,
    months: int | None = None,
) -> PreventionAlert:
    """A landlord raises an alert; it is routed to the SIAO operator of the household's département and
    to the household's referent association."""
    require(perms.can_raise_alert(actor, household))
    errors = {}
    if kind not in AlertKind.values:
        errors["kind"] = _("Nature de signal inconnue.")
    if amount is not None and amount < 0:
        errors["amount"] = _("Le montant ne peut pas être négatif.")
    if months is not None and not 0 <= months <= 120:
        errors["months"] = _("Le nombre de mois est compris entre 0 et 120.")
    if kind == AlertKind.UNPAID_RENT and amount is None and months is None:
        errors["amount"] = _("Pour des impayés, indiquez le montant de la dette ou le nombre de mois.")
    if errors:
        raise ValidationError(errors)
    alert = PreventionAlert.objects.create(
        household=household,
        landlord_id=_membership(actor).organization_id,
        raised_by=_user(actor),
        kind=kind,
        detail=(detail or "").strip(),
        amount=amount,
        months=months,
        siao=_siao_of(household.territory_id),
        association_id=household.referent_organization_id,
    )
    workflow.created(alert, actor=actor)
    audit.record_write(
        actor=actor,
        action=A.ALERT_RAISE,
        obj=alert,
        fields=[
            "household",
            "kind",
            *(f for f in ("detail", "amount", "months") if getattr(alert, f) not in ("", None)),
        ],
    )
    return alert


@transaction.atomic
def alert_take(
    *,
    actor,
    alert: PreventionAlert,
    version: int | None,
    organization: Organization,
    assigned_to=None,
    due_on: dt.date | None = None,
) -> PreventionAlert:
    """Triage: which organization takes the alert (the SIAO or the referent association), who in it,
    and by when it is to be treated."""
    require(perms.can_triage_alert(actor, alert))

    def check(locked: PreventionAlert) -> dict:
        errors = {}
        if organization.pk not in (locked.siao_id, locked.association_id):
            errors["organization"] = _(
                "L'alerte est prise en charge par le SIAO ou par l'association référente."
            )
        elif (
            assigned_to is not None
            and not Membership.objects.filter(
                user=assigned_to,
                organization=organization,
                active=True,
                role__in=[Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR],
            ).exists()
        ):
            errors["assigned_to"] = _("Cette personne ne travaille pas dans l'organisation choisie.")
        if due_on is not None and due_on < timezone.localdate():
            errors["due_on"] = _("L'échéance ne peut pas être passée.")
        if errors:
            raise ValidationError(errors)
        return {"taken_at": locked.taken_at or timezone.now()}

    workflow.transition(
        alert,
        AlertStatus.TAKEN,
        actor=actor,
        action=A.ALERT_TAKE,
        expected_version=version,
        prepare=check,
        audit_fields=["assigned_organization", "assigned_to", "due_on"],
        assigned_organization=organization,
        assigned_to=assigned_to,
        due_on=due_on,
    )
    alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_open_measure(
    *,
    actor,
    alert: PreventionAlert,
    version: int | None,
    kind: MeasureKind,
    consent_given: bool,
    informed_how: str = "orally",
    intensity: str = Intensity.REGULAR,
    next_review_on: dt.date | None = None,
) -> SupportMeasure:
    """Turn the alert into a support measure proposed to the household. If the person refuses, the
    refusal is recorded and the alert is closed for that reason: support is never imposed."""
    require(perms.can_open_measure_from_alert(actor, alert))
    target = AlertStatus.MEASURE if consent_given else AlertStatus.CLOSED
    created = []

    def open_measure(locked: PreventionAlert) -> dict:
        # Under the alert's lock, once its version and status are checked: the measure proposed.
        measure = measure_create(
            actor=actor,
            household=locked.household,
            kind=kind,
            consent_given=consent_given,
            informed_how=informed_how,
            intensity=intensity,
            next_review_on=next_review_on,
            source_alert=locked,
        )
        created.append(measure)
        now = timezone.now()
        changes = {
            "assigned_organization_id": locked.assigned_organization_id or _membership(actor).organization_id,
            "assigned_to": locked.assigned_to or _user(actor),
            "taken_at": locked.taken_at or now,
        }
        if consent_given:
            return {**changes, "measure": measure}
        return {**changes, "close_reason": AlertCloseReason.SUPPORT_REFUSED, "closed_at": now}

    workflow.transition(
        alert,
        target,
        actor=actor,
        action=A.ALERT_MEASURE,
        expected_version=version,
        prepare=open_measure,
        audit_fields=["status", "measure"],
    )
    measure = created[0]
    alert.refresh_from_db()
    return measure


# Closing reasons that mean the household kept its home, unless the closer says otherwise.
KEPT_HOME = {AlertCloseReason.SETTLED, AlertCloseReason.PAYMENT_PLAN}


@transaction.atomic
def alert_close(
    *, actor, alert: PreventionAlert, version: int | None, reason: str, eviction_avoided: bool | None = None
) -> PreventionAlert:
    """Close an alert with a coded reason, and whether an eviction was avoided (counted)."""
    require(perms.can_triage_alert(actor, alert))
    if eviction_avoided is None:
        eviction_avoided = (
            True if reason in KEPT_HOME else (False if reason == AlertCloseReason.EVICTED else None)
        )

    def check(locked: PreventionAlert) -> dict:
        if reason not in AlertCloseReason.values:
            raise ValidationError({"reason": _("Choisissez le motif de clôture.")})
        now = timezone.now()
        return {"closed_at": now, "taken_at": locked.taken_at or now}

    workflow.transition(
        alert,
        AlertStatus.CLOSED,
        actor=actor,
        action=A.ALERT_CLOSE,
        expected_version=version,
        prepare=check,
        audit_fields=["status", "close_reason", "eviction_avoided"],
        close_reason=reason,
        eviction_avoided=eviction_avoided,
    )
    alert.refresh_from_db()
    return alert
