"""API v1 of prevention alerts: raising, listing, taking, opening a measure, closing."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema, Status

from parcours.accounts.models import Organization, User
from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core import errors
from parcours.core.lookup import get_visible_or_404
from parcours.households import visibility
from parcours.households.models import Household
from parcours.households.services import record_read, record_reads

from .. import perms, services
from ..choices import AlertCloseReason, AlertKind, AlertStatus, Intensity
from ..models import PreventionAlert
from ._common import ERRORS, PageIn, _value, router
from .measures import MeasureOut, _kind, _measure_out, _measure_queryset


class AlertIn(Schema):
    household: int
    kind: AlertKind
    detail: str = Field("", max_length=4000)
    amount: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    months: int | None = Field(None, ge=0, le=120)


class AlertOut(Schema):
    id: int
    version: int
    household: int
    landlord: int
    kind: str
    detail: str
    amount: str | None
    months: int | None
    status: str
    siao: int | None
    association: int | None = Field(None, description="null for the landlord that raised the alert")
    assigned_organization: int | None
    assigned_to: int | None
    due_on: date | None
    measure: int | None
    close_reason: str
    eviction_avoided: bool | None
    created_at: datetime
    closed_at: datetime | None


class AlertPage(Schema):
    count: int
    results: list[AlertOut]


def _alert_out(a: PreventionAlert, user=None) -> dict:
    """The alert as the caller may read it (households.visibility): a landlord does not learn which
    association follows the household nor who took the alert."""
    fields = visibility.readable_fields(user, "alert") if user is not None else frozenset()
    return {
        "id": a.pk,
        "version": a.version,
        "household": a.household_id,
        "landlord": a.landlord_id,
        "kind": a.kind,
        "detail": a.detail,
        "amount": None if a.amount is None else f"{a.amount:.2f}",
        "months": a.months,
        "status": a.status,
        "siao": a.siao_id,
        "association": a.association_id if "association" in fields else None,
        "assigned_organization": a.assigned_organization_id if "assigned_organization" in fields else None,
        "assigned_to": a.assigned_to_id if "assigned_to" in fields else None,
        "due_on": a.due_on,
        "measure": a.measure_id,
        "close_reason": a.close_reason if perms.landlord_may_read_close_reason(user, a) else "",
        "eviction_avoided": a.eviction_avoided,
        "created_at": a.created_at,
        "closed_at": a.closed_at,
    }


@router.post(
    "/prevention-alerts",
    response={201: AlertOut, **ERRORS},
    summary="Lever une alerte de prévention (bailleur)",
)
def raise_alert(request, payload: AlertIn):
    household = Household.objects.alive().filter(pk=payload.household).first()
    if household is None or not perms.can_raise_alert(request.user, household):
        raise ApiError(404, "not_found", "Ménage introuvable.")
    alert = services.alert_raise(
        actor=request.user,
        household=household,
        kind=_value(payload.kind),
        detail=payload.detail,
        amount=payload.amount,
        months=payload.months,
    )
    return Status(201, _alert_out(alert, request.user))


class AlertFilter(PageIn):
    status: AlertStatus | None = None
    pending: bool = False


@router.get("/prevention-alerts", response={200: AlertPage}, summary="Les alertes de prévention visibles")
def list_alerts(request, filters: Query[AlertFilter]):
    qs = PreventionAlert.objects.visible_to(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.pending:
        qs = qs.pending()
    page, count = page_of(
        qs.select_related("household").order_by("-created_at", "-pk"), filters.limit, filters.offset
    )
    record_reads(
        actor=request.user,
        households=[a.household for a in page],
        sections=["prevention"],
        purpose="prevention",
    )
    return {"count": count, "results": [_alert_out(a, request.user) for a in page]}


def _get_alert(request, alert_id: int) -> PreventionAlert:
    queryset = PreventionAlert.objects.select_related("household")
    return get_visible_or_404(queryset, alert_id, request.user, message="Alerte introuvable.")


@router.get(
    "/prevention-alerts/{int:alert_id}",
    response={200: AlertOut, 404: ErrorOut},
    summary="Une alerte de prévention",
)
def get_alert(request, alert_id: int):
    alert = _get_alert(request, alert_id)
    record_read(actor=request.user, household=alert.household, sections=["prevention"], purpose="prevention")
    return _alert_out(alert, request.user)


class TakeIn(Schema):
    version: int
    organization: int = Field(description="Le SIAO ou l'association référente destinataire de l'alerte.")
    assigned_to: int | None = None
    due_on: date | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/take",
    response={200: AlertOut, **ERRORS},
    summary="Prendre en charge (qui, pour quand)",
)
def take_alert(request, alert_id: int, payload: TakeIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_triage_alert(request.user, alert):
        raise errors.Forbidden()
    organization = Organization.objects.filter(pk=payload.organization).first()
    if organization is None:
        raise ApiError(400, "invalid", "Organisation inconnue.", {"organization": ["Organisation inconnue."]})
    assigned_to = None
    if payload.assigned_to is not None:
        assigned_to = User.objects.filter(pk=payload.assigned_to).first()
        if assigned_to is None:
            raise ApiError(400, "invalid", "Personne inconnue.", {"assigned_to": ["Personne inconnue."]})
    alert = services.alert_take(
        actor=request.user,
        alert=alert,
        version=payload.version,
        organization=organization,
        assigned_to=assigned_to,
        due_on=payload.due_on,
    )
    return _alert_out(alert, request.user)


class AlertMeasureIn(Schema):
    version: int
    kind: str
    consent: Literal["accepted", "refused"]
    informed_how: Literal["orally", "written", "interpreter", "signed"] = "orally"
    intensity: Intensity = Intensity.REGULAR
    next_review_on: date | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/measure",
    response={201: MeasureOut, **ERRORS},
    summary="Ouvrir un accompagnement depuis l'alerte",
)
def alert_measure(request, alert_id: int, payload: AlertMeasureIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_open_measure_from_alert(request.user, alert):
        raise errors.Forbidden()
    measure = services.alert_open_measure(
        actor=request.user,
        alert=alert,
        version=payload.version,
        kind=_kind(payload.kind),
        consent_given=payload.consent == "accepted",
        informed_how=payload.informed_how,
        intensity=_value(payload.intensity),
        next_review_on=payload.next_review_on,
    )
    return Status(201, _measure_out(_measure_queryset().get(pk=measure.pk), details=True))


class AlertCloseIn(Schema):
    version: int
    reason: AlertCloseReason
    eviction_avoided: bool | None = None


@router.post(
    "/prevention-alerts/{int:alert_id}/close",
    response={200: AlertOut, **ERRORS},
    summary="Clore l'alerte avec un motif codé",
)
def close_alert(request, alert_id: int, payload: AlertCloseIn):
    alert = _get_alert(request, alert_id)
    if not perms.can_triage_alert(request.user, alert):
        raise errors.Forbidden()
    alert = services.alert_close(
        actor=request.user,
        alert=alert,
        version=payload.version,
        reason=_value(payload.reason),
        eviction_avoided=payload.eviction_avoided,
    )
    return _alert_out(alert, request.user)
