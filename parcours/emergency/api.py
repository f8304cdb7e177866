"""API v1 of the 115 (api-v1.md, "115 (emergency)"): availability, requests, allocation (409 when the
place is taken), unmet demand; and cancel, no-show, extension, priority and free-places declaration."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core import audit
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household
from parcours.offers.models import Facility, Unit
from parcours.territories.models import Territory

from . import board, perms, replay, services
from .choices import CallOutcome, Fact, Priority, UnmetReason
from .models import EmergencyRequest, NightAllocation
from .nights import current_night

router = Router(tags=["115"])

NOT_FOUND = "Demande introuvable."


class AvailabilityOut(Schema):
    unit: int
    facility: int
    capacity: int
    kind: str
    commune: str | None
    facility_name: str
    label: str


class AvailabilityQuery(Schema):
    night: date | None = None
    territory: str | None = Field(None, max_length=3)
    persons: int = Field(1, ge=1, le=30)
    children: int = Field(0, ge=0, le=29)
    women_only: bool = False


class RequestIn(Schema):
    household: int | None = None
    night: date
    persons: int | None = Field(None, ge=1, le=30)
    children: int | None = Field(None, ge=0, le=29)
    vulnerability: Priority | None = None
    vulnerability_reason: str = Field("", max_length=2000)
    facts: list[Fact] = Field(default_factory=list, max_length=20)
    women_only: bool = False
    caller_phone: str | None = Field(None, max_length=20)


class RequestCreatedOut(Schema):
    id: int
    status: str
    vulnerability: str
    suggested_vulnerability: str


class AllocationOut(Schema):
    id: int
    request: int
    # null, with place_hidden, on a protected household's night for those who may not see its place
    unit: int | None
    facility: int | None
    night: date
    status: str
    extension: bool
    place_hidden: bool = False


class RequestOut(Schema):
    id: int
    version: int
    household: int | None
    night: date
    persons: int
    children: int
    vulnerability: str
    suggested_vulnerability: str
    facts: list[str]
    status: str
    unmet_reason: str | None
    created_at: datetime
    allocations: list[AllocationOut]


class AllocateIn(Schema):
    unit: int


class UnmetIn(Schema):
    reason: UnmetReason


class UnmetOut(Schema):
    id: int
    status: str
    reason: str


class PriorityIn(Schema):
    version: int
    vulnerability: Priority
    reason: str = Field("", max_length=2000)


class ExtendIn(Schema):
    nights: int = Field(1, ge=1, le=14)


class DeclarationIn(Schema):
    night: date
    units: list[int] = Field(max_length=500)


class DeclarationOut(Schema):
    facility: int
    night: date
    units: list[int]


def _allocation_out(user, a: NightAllocation) -> dict:
    shown = perms.can_see_allocated_place(user, a, allocation_screen=True)
    return {
        "id": a.pk,
        "request": a.request_id,
        "unit": a.unit_id if shown else None,
        "facility": a.unit.facility_id if shown else None,
        "night": a.night,
        "status": a.status,
        "extension": a.extension,
        "place_hidden": not shown,
    }


def _request_out(user, r: EmergencyRequest) -> dict:
    unmet = getattr(r, "unmet", None) if r.status == "unmet" else None
    return {
        "id": r.pk,
        "version": r.version,
        "household": r.household_id,
        "night": r.night,
        "persons": r.persons,
        "children": r.children,
        "vulnerability": r.priority,
        "suggested_vulnerability": r.suggested_priority,
        "facts": r.facts,
        "status": r.status,
        "unmet_reason": unmet.reason if unmet else None,
        "created_at": r.created_at,
        "allocations": [_allocation_out(user, a) for a in r.allocations.all()],
    }


def _team(request):
    if not perms.can_use_115(request.user):
        raise ApiError(403, "forbidden", "Le 115 est réservé aux écoutant·es et à la coordination SIAO.")


def _get(request, request_id: int) -> EmergencyRequest:
    queryset = EmergencyRequest.objects.select_related("household", "unmet").prefetch_related(
        "allocations__unit__facility"
    )
    return get_visible_or_404(queryset, request_id, request.user, message=NOT_FOUND)


RESPONSES = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get(
    "/emergency/availability",
    response={200: list[AvailabilityOut], 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Places d'urgence libres une nuit, pour N personnes",
)
def availability(request, filters: Query[AvailabilityQuery]):
    _team(request)
    territory_id = None
    if filters.territory:
        territory_id = Territory.objects.filter(code=filters.territory).values_list("pk", flat=True).first()
        if territory_id is None:
            raise ApiError(
                400, "invalid", f"Département inconnu : {filters.territory}.", {"territory": ["unknown"]}
            )
    if filters.children >= filters.persons:
        raise ApiError(400, "invalid", "Un ménage compte au moins un adulte.", {"children": ["too_many"]})
    units = board.free_units(
        night=filters.night or current_night(),
        territory_id=territory_id,
        persons=filters.persons,
        children=filters.children,
        women_only=filters.women_only,
    )
    return [
        {
            "unit": u.pk,
            "facility": u.facility_id,
            "capacity": u.capacity,
            "kind": u.facility.kind,
            "commune": u.facility.commune.code if u.facility.commune_id else None,
            "facility_name": u.facility.name,
            "label": u.label,
        }
        for u in units[:500]
    ]


@router.post(
    "/emergency/requests",
    response={201: RequestCreatedOut, **RESPONSES},
    summary="Enregistrer une demande 115",
)
def create_request(request, payload: RequestIn):
    _team(request)
    household = None
    if payload.household is not None:
        household = Household.objects.visible_to(request.user).filter(pk=payload.household).first()
        if household is None:
            raise ApiError(404, "not_found", "Ménage introuvable.")
    created = services.request_create(
        actor=request.user,
        household=household,
        night=payload.night,
        persons=payload.persons,
        children=payload.children,
        facts=[str(f.value if hasattr(f, "value") else f) for f in payload.facts],
        priority=str(payload.vulnerability.value) if payload.vulnerability else None,
        priority_reason=payload.vulnerability_reason,
        women_only=payload.women_only,
        caller_phone=payload.caller_phone or "",
    )
    return Status(
        201,
        {
            "id": created.pk,
            "status": created.status,
            "vulnerability": created.priority,
            "suggested_vulnerability": created.suggested_priority,
        },
    )


class ListQuery(Schema):
    night: date | None = None
    status: str | None = Field(None, max_length=10)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class RequestPage(Schema):
    count: int
    results: list[RequestOut]


@router.get(
    "/emergency/requests",
    response={200: RequestPage, 403: ErrorOut, 422: ErrorOut},
    summary="Les demandes 115",
)
def list_requests(request, filters: Query[ListQuery]):
    _team(request)
    qs = (
        EmergencyRequest.objects.visible_to(request.user)
        .filter(night=filters.night or current_night())
        .select_related("unmet", "household")
        .prefetch_related("allocations__unit__facility")
        .by_urgency()
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    page, count = page_of(qs, filters.limit, filters.offset)
    _record_reads(request, page)
    return {"count": count, "results": [_request_out(request.user, r) for r in page]}


def _record_reads(request, requests) -> None:
    """The named households behind the 115 requests shown (an anonymous caller's request names no one)."""
    audit.record_reads(
        actor=request.user,
        objs=[("households.household", r.household_id) for r in requests if r.household_id],
        sections=["emergency"],
        purpose="emergency",
    )


@router.get(
    "/emergency/requests/{int:request_id}",
    response={200: RequestOut, 404: ErrorOut},
    summary="Une demande 115",
)
def get_request(request, request_id: int):
    found = _get(request, request_id)
    _record_reads(request, [found])
    return _request_out(request.user, found)


@router.post(
    "/emergency/requests/{int:request_id}/allocate",
    response={201: AllocationOut, **RESPONSES},
    summary="Attribuer une place pour la nuit (409 si elle vient d'être prise)",
)
def allocate(request, request_id: int, payload: AllocateIn):
    found = _get(request, request_id)
    unit = Unit.objects.select_related("facility").filter(pk=payload.unit).first()
    if unit is None:
        raise ApiError(404, "not_found", "Place introuvable.")
    allocation = services.allocate(actor=request.user, request=found, unit=unit)
    return Status(201, _allocation_out(request.user, allocation))


@router.post(
    "/emergency/requests/{int:request_id}/unmet",
    response={200: UnmetOut, **RESPONSES},
    summary="Enregistrer la demande comme non pourvue (DNP)",
)
def unmet(request, request_id: int, payload: UnmetIn):
    found = _get(request, request_id)
    reason = str(payload.reason.value if hasattr(payload.reason, "value") else payload.reason)
    services.unmet_record(actor=request.user, request=found, reason=reason)
    return {"id": found.pk, "status": found.status, "reason": reason}


@router.post(
    "/emergency/requests/{int:request_id}/priority",
    response={200: RequestOut, **RESPONSES},
    summary="Changer la priorité (avec un motif si elle diffère de la suggestion)",
)
def set_priority(request, request_id: int, payload: PriorityIn):
    found = _get(request, request_id)
    if not perms.can_change_priority(request.user, found):
        raise ApiError(409, "conflict", "Cette demande a déjà reçu une réponse.")
    services.request_set_priority(
        actor=request.user,
        request=found,
        version=payload.version,
        priority=str(payload.vulnerability.value),
        reason=payload.reason,
    )
    return _request_out(request.user, _get(request, request_id))


@router.post(
    "/emergency/requests/{int:request_id}/cancel",
    response={200: RequestOut, **RESPONSES},
    summary="Annuler une demande",
)
def cancel_request(request, request_id: int):
    found = _get(request, request_id)
    services.request_cancel(actor=request.user, request=found)
    return _request_out(request.user, _get(request, request_id))


def _allocation(request, allocation_id: int) -> NightAllocation:
    queryset = NightAllocation.objects.select_related("request__household", "unit__facility")
    return get_visible_or_404(queryset, allocation_id, request.user, message="Nuitée introuvable.")


@router.post(
    "/emergency/allocations/{int:allocation_id}/cancel",
    response={200: AllocationOut, **RESPONSES},
    summary="Annuler une nuitée",
)
def cancel_allocation(request, allocation_id: int):
    ended = services.allocation_cancel(actor=request.user, allocation=_allocation(request, allocation_id))
    return _allocation_out(request.user, ended)


@router.post(
    "/emergency/allocations/{int:allocation_id}/no-show",
    response={200: AllocationOut, **RESPONSES},
    summary="Enregistrer une absence",
)
def no_show(request, allocation_id: int):
    ended = services.allocation_no_show(actor=request.user, allocation=_allocation(request, allocation_id))
    return _allocation_out(request.user, ended)


@router.post(
    "/emergency/allocations/{int:allocation_id}/extend",
    response={201: list[AllocationOut], **RESPONSES},
    summary="Prolonger dans la même place (409 si une des nuits est prise)",
)
def extend(request, allocation_id: int, payload: ExtendIn):
    created = services.allocation_extend(
        actor=request.user, allocation=_allocation(request, allocation_id), nights=payload.nights
    )
    return Status(201, [_allocation_out(request.user, a) for a in created])


@router.put(
    "/emergency/facilities/{int:facility_id}/free-places",
    response={200: DeclarationOut, **RESPONSES},
    summary="Déclarer les places libres d'une structure pour une nuit",
)
def declare(request, facility_id: int, payload: DeclarationIn):
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        raise ApiError(404, "not_found", "Structure introuvable.")
    units = list(Unit.objects.filter(pk__in=payload.units))
    if len(units) != len(set(payload.units)):
        raise ApiError(400, "invalid", "Places inconnues.", {"units": ["unknown"]})
    declaration = services.places_declare(
        actor=request.user, facility=facility, night=payload.night, units=units
    )
    return {"facility": facility.pk, "night": declaration.night, "units": sorted(u.pk for u in units)}


class ReplayAllocationIn(Schema):
    unit: int
    night: date


class ReplayIn(Schema):
    client_id: UUID
    recorded_at: datetime
    outcome: CallOutcome = CallOutcome.REQUEST
    night: date | None = None
    persons: int | None = Field(None, ge=1, le=30)
    children: int | None = Field(None, ge=0, le=29)
    women_only: bool = False
    facts: list[Fact] = Field(default_factory=list, max_length=20)
    vulnerability: Priority | None = None
    vulnerability_reason: str = Field("", max_length=2000)
    caller_name: str = Field("", max_length=100)
    caller_phone: str | None = Field(None, max_length=20)
    note: str = Field("", max_length=1000)
    allocation: ReplayAllocationIn | None = None


class ReplayOut(Schema):
    client_id: UUID
    status: str
    message: str
    call: int
    request: int | None
    allocation: AllocationOut | None


def _value(choice) -> str:
    return str(choice.value if hasattr(choice, "value") else choice)


@router.post(
    "/emergency/replay",
    response={201: ReplayOut, 200: ReplayOut, **RESPONSES},
    summary="Rejouer un appel noté hors ligne (idempotent par client_id ; place provisoire)",
)
def replay_call(request, payload: ReplayIn):
    """A call noted without network, sent when the network is back (docs/continuite.md). The same
    `client_id` twice records one call (200 « already » the second time). A provisional place taken
    meanwhile books nothing: 201 with status « task », the request open for the team to answer."""
    _team(request)
    unit = None
    if payload.allocation is not None:
        if payload.night is not None and payload.allocation.night != payload.night:
            raise ApiError(
                400,
                "invalid",
                "La nuit de la place diffère de celle de la demande.",
                {"allocation": ["night"]},
            )
        unit = Unit.objects.select_related("facility").filter(pk=payload.allocation.unit).first()
        if unit is None:
            raise ApiError(404, "not_found", "Place introuvable.")
    result = replay.replay_call(
        actor=request.user,
        client_id=payload.client_id,
        recorded_at=payload.recorded_at,
        outcome=_value(payload.outcome),
        night=payload.night,
        persons=payload.persons,
        children=payload.children,
        women_only=payload.women_only,
        facts=[_value(f) for f in payload.facts],
        priority=_value(payload.vulnerability) if payload.vulnerability else None,
        priority_reason=payload.vulnerability_reason,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone or "",
        note=payload.note,
        unit=unit,
    )
    allocation = None
    if result.allocation is not None:
        result.allocation.request = result.request
        allocation = _allocation_out(request.user, result.allocation)
    body = {
        "client_id": payload.client_id,
        "status": result.status,
        "message": result.message,
        "call": result.call.pk,
        "request": result.request.pk if result.request else None,
        "allocation": allocation,
    }
    return Status(200 if result.status == "already" else 201, body)
