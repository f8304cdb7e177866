"""API v1 of street outreach (api-v1.md, "Street outreach"): encounters (idempotent on client_id),
an encounter turned into tonight's 115 request, and the public signalement (no authentication,
rate-limited)."""

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household

from . import ratelimit, services
from .choices import AgeBand, ApproxSex, Given, Need, Orientation
from .models import Encounter, OutreachTeam, Round

router = Router(tags=["aller-vers"])
NOT_FOUND = "Rencontre introuvable."
RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EncounterIn(Schema):
    client_id: uuid.UUID
    met_at: dt.datetime
    commune: str = Field(max_length=5)
    place: str = Field("", max_length=120)
    household: int | None = None
    alias: str = Field("", max_length=60)
    age_band: AgeBand = AgeBand.UNKNOWN
    sex: ApproxSex = ApproxSex.UNKNOWN
    persons: int = Field(1, ge=1, le=30)
    children: int = Field(0, ge=0, le=29)
    needs: list[Need] = Field(default_factory=list, max_length=10)
    given: list[Given] = Field(default_factory=list, max_length=10)
    facts: list[str] = Field(default_factory=list, max_length=20)
    orientation: Orientation = Orientation.NONE
    follow_up: bool = False
    note: str = Field("", max_length=1000)
    team: int | None = None
    round: int | None = None


class EncounterOut(Schema):
    id: int
    client_id: uuid.UUID
    met_at: dt.datetime
    commune: str
    place: str
    household: int | None
    alias: str
    age_band: str
    sex: str
    persons: int
    children: int
    needs: list[str]
    given: list[str]
    facts: list[str]
    orientation: str
    follow_up: bool
    team: int
    round: int | None
    emergency_request: int | None
    created_at: dt.datetime


class EncounterPage(Schema):
    count: int
    results: list[EncounterOut]


class EncounterQuery(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class EmergencyRequestOut(Schema):
    id: int
    status: str
    encounter: int
    night: dt.date
    persons: int
    children: int
    vulnerability: str


class ReportIn(Schema):
    commune: str = Field(max_length=5)
    place: str = Field(max_length=120)
    seen_at: dt.datetime
    description: str = Field(max_length=2000)
    contact: str | None = Field(None, max_length=120)


class ReportOut(Schema):
    reference: str


def encounter_out(e: Encounter) -> dict:
    return {
        "id": e.pk,
        "client_id": e.client_id,
        "met_at": e.met_at,
        "commune": e.commune.code,
        "place": e.place,
        "household": e.household_id,
        "alias": e.alias,
        "age_band": e.age_band,
        "sex": e.sex,
        "persons": e.persons,
        "children": e.children,
        "needs": e.needs,
        "given": e.given,
        "facts": e.facts,
        "orientation": e.orientation,
        "follow_up": e.follow_up,
        "team": e.team_id,
        "round": e.round_id,
        "emergency_request": e.emergency_request_id,
        "created_at": e.created_at,
    }


def _get_or_404(queryset, pk, user, message):
    if pk is None:
        return None
    return get_visible_or_404(queryset, pk, user, message=message)


@router.post(
    "/outreach/encounters",
    response={200: EncounterOut, 201: EncounterOut, **RESPONSES},
    summary="Enregistrer une rencontre (idempotent sur client_id)",
)
def encounter_create(request, payload: EncounterIn):
    user = request.user
    household = _get_or_404(Household.objects.all(), payload.household, user, "Ménage introuvable.")
    team = _get_or_404(OutreachTeam.objects.all(), payload.team, user, "Équipe introuvable.")
    round_ = _get_or_404(Round.objects.select_related("team"), payload.round, user, "Tournée introuvable.")
    encounter, created = services.encounter_record(
        actor=user,
        client_id=payload.client_id,
        met_at=payload.met_at,
        commune=payload.commune,
        place=payload.place,
        household=household,
        alias=payload.alias,
        age_band=payload.age_band,
        sex=payload.sex,
        persons=payload.persons,
        children=payload.children,
        needs=payload.needs,
        given=payload.given,
        facts=payload.facts,
        orientation=payload.orientation,
        follow_up=payload.follow_up,
        note=payload.note,
        team=team,
        round_=round_,
    )
    return Status(201 if created else 200, encounter_out(encounter))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get(
    "/outreach/encounters",
    response={200: EncounterPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    summary="Les rencontres que vous pouvez voir, entre deux dates (incluses)",
)
def encounter_list(request, filters: Query[EncounterQuery]):
    for name, value in (("from", filters.from_), ("to", filters.to)):
        if value is not None and not 2000 <= value.year <= 2100:
            raise ApiError(400, "invalid", "Date hors des années 2000 à 2100.", {name: ["out_of_range"]})
    if filters.from_ and filters.to and filters.to < filters.from_:
        raise ApiError(400, "invalid", "La date de fin précède celle de début.", {"to": ["before_from"]})
    qs = Encounter.objects.visible_to(request.user).select_related("commune")
    qs = qs.between(
        _day_start(filters.from_) if filters.from_ else None,
        _day_start(filters.to + dt.timedelta(days=1)) if filters.to else None,
    ).order_by("-met_at", "-pk")
    page, count = page_of(qs, filters.limit, filters.offset)
    return {"count": count, "results": [encounter_out(e) for e in page]}


@router.get("/outreach/encounters/{encounter_id}", response={200: EncounterOut, 401: ErrorOut, 404: ErrorOut})
def encounter_detail(request, encounter_id: int):
    return encounter_out(
        get_visible_or_404(
            Encounter.objects.select_related("commune"), encounter_id, request.user, message=NOT_FOUND
        )
    )


@router.post(
    "/outreach/encounters/{encounter_id}/emergency-request",
    response={201: EmergencyRequestOut, **RESPONSES},
    summary="Faire de la rencontre une demande 115 pour cette nuit",
)
def encounter_emergency_request(request, encounter_id: int):
    encounter = get_visible_or_404(
        Encounter.objects.select_related("household"), encounter_id, request.user, message=NOT_FOUND
    )
    created = services.encounter_to_115(actor=request.user, encounter=encounter)
    return Status(
        201,
        {
            "id": created.pk,
            "status": created.status,
            "encounter": encounter.pk,
            "night": created.night,
            "persons": created.persons,
            "children": created.children,
            "vulnerability": created.priority,
        },
    )


@router.post(
    "/outreach/reports",
    auth=None,
    response={201: ReportOut, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Signaler une personne qui semble avoir besoin d'aide (sans compte)",
)
def report_create(request, payload: ReportIn):
    ratelimit.check(request)
    report = services.report_receive(
        commune=payload.commune,
        place=payload.place,
        seen_at=payload.seen_at,
        description=payload.description,
        contact=payload.contact or "",
    )
    return Status(201, {"reference": report.reference})
