"""API v1 of the offer: facilities, units and vacancy declaration (api-v1.md, "Offer")."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organization
from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut
from parcours.core.lookup import get_visible_or_404
from parcours.territories.models import Territory

from . import perms, services
from .choices import EMERGENCY_KINDS, AcceptedHousehold, AcceptedSex, FacilityKind, Typology
from .models import Facility, Unit, Vacancy

router = Router(tags=["offre"])


class FacilityIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    organization: int
    territory: str = Field(min_length=2, max_length=3)
    commune: str | None = Field(None, min_length=5, max_length=5)
    finess: str = Field("", max_length=9)
    siret: str = Field("", max_length=14)
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    accepted_sex: AcceptedSex = AcceptedSex.ANY
    accepted_household: AcceptedHousehold = AcceptedHousehold.ANY
    pets_accepted: bool = False
    wheelchair_accessible: bool = False
    couples_accepted: bool = False
    street_address: str = Field("", max_length=200)
    postcode: str = Field("", max_length=5)
    phone: str = Field("", max_length=25)
    door_code: str = Field("", max_length=20)
    opening_hours: str = Field("", max_length=500)


class FacilityOut(Schema):
    id: int
    version: int
    name: str
    kind: str
    emergency: bool
    organization: int
    territory: str
    commune: str | None
    finess: str
    siret: str
    min_age: int | None
    max_age: int | None
    accepted_sex: str
    accepted_household: str
    pets_accepted: bool
    wheelchair_accessible: bool
    active: bool
    couples_accepted: bool
    street_address: str
    postcode: str
    phone: str
    opening_hours: str
    door_code: str | None = Field(
        None, description="Null for whoever is neither staff of the facility nor of the 115."
    )


class FacilityPage(Schema):
    count: int
    results: list[FacilityOut]


class UnitIn(Schema):
    facility: int
    label: str = Field(min_length=1, max_length=100)
    capacity: int = Field(1, ge=1, le=500)
    typology: Typology | None = None
    surface: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=1)
    rent: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    charges: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    accessible: bool = False


class UnitOut(Schema):
    id: int
    version: int
    facility: int
    label: str
    capacity: int
    typology: str | None
    surface: str | None
    rent: str | None
    charges: str | None
    accessible: bool
    active: bool
    open_vacancy: int | None


class UnitPage(Schema):
    count: int
    results: list[UnitOut]


class VacancyIn(Schema):
    available_from: date


class VacancyOut(Schema):
    id: int
    unit: int
    available_from: date
    status: str
    declared_at: datetime


def _facility_out(facility: Facility, user=None) -> dict:
    door_code = facility.door_code if user is not None and perms.can_see_door_code(user, facility) else None
    return {
        "id": facility.pk,
        "version": facility.version,
        "name": facility.name,
        "kind": facility.kind,
        "emergency": facility.emergency,
        "organization": facility.organization_id,
        "territory": facility.territory.code,
        "commune": facility.commune.code if facility.commune else None,
        "finess": facility.finess,
        "siret": facility.siret,
        "min_age": facility.min_age,
        "max_age": facility.max_age,
        "accepted_sex": facility.accepted_sex,
        "accepted_household": facility.accepted_household,
        "pets_accepted": facility.pets_accepted,
        "wheelchair_accessible": facility.wheelchair_accessible,
        "active": facility.active,
        "couples_accepted": facility.couples_accepted,
        "street_address": facility.street_address,
        "postcode": facility.postcode,
        "phone": facility.phone,
        "opening_hours": facility.opening_hours,
        "door_code": door_code,
    }


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _unit_out(unit: Unit) -> dict:
    open_vacancies = getattr(unit, "open_vacancies", None)
    if open_vacancies is None:
        open_vacancies = list(unit.vacancies.open())
    return {
        "id": unit.pk,
        "version": unit.version,
        "facility": unit.facility_id,
        "label": unit.label,
        "capacity": unit.capacity,
        "typology": unit.typology or None,
        "surface": None if unit.surface is None else f"{unit.surface:.1f}",
        "rent": _money(unit.rent),
        "charges": _money(unit.charges),
        "accessible": unit.accessible,
        "active": unit.active,
        "open_vacancy": open_vacancies[0].pk if open_vacancies else None,
    }


def _vacancy_out(vacancy: Vacancy) -> dict:
    return {
        "id": vacancy.pk,
        "unit": vacancy.unit_id,
        "available_from": vacancy.available_from,
        "status": vacancy.status,
        "declared_at": vacancy.declared_at,
    }


def _list_allowed(request) -> None:
    if not perms.can_list_facilities(request.user):
        raise ApiError(403, "forbidden", "Aucun rattachement actif.")


@router.post(
    "/facilities",
    response={201: FacilityOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Déclarer une structure",
)
def create_facility(request, payload: FacilityIn):
    data = payload.dict()
    organization = Organization.objects.active().filter(pk=data.pop("organization")).first()
    if organization is None:
        raise ApiError(400, "invalid", "Organisation inconnue.", {"organization": ["Organisation inconnue."]})
    territory_id = Territory.objects.filter(code=data["territory"]).values_list("pk", flat=True).first()
    if territory_id is None:
        raise ApiError(400, "invalid", "Département inconnu.", {"territory": ["Département inconnu."]})
    facility = services.facility_create(actor=request.user, organization=organization, **data)
    return Status(201, _facility_out(facility, request.user))


@router.get(
    "/facilities", response={200: FacilityPage, 403: ErrorOut, 422: ErrorOut}, summary="Lister les structures"
)
def list_facilities(
    request,
    kind: FacilityKind | None = None,
    territory: str | None = Query(None, max_length=3),
    emergency: bool | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    _list_allowed(request)
    facilities = (
        Facility.objects.visible_to(request.user).select_related("territory", "commune").order_by("pk")
    )
    if kind:
        facilities = facilities.filter(kind=kind)
    if territory:
        facilities = facilities.filter(territory__code=territory)
    if emergency is not None:
        facilities = (facilities.filter if emergency else facilities.exclude)(kind__in=EMERGENCY_KINDS)
    page, count = page_of(facilities, limit, offset)
    return {"count": count, "results": [_facility_out(f, request.user) for f in page]}


@router.post(
    "/units",
    response={201: UnitOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Déclarer une place ou un logement",
)
def create_unit(request, payload: UnitIn):
    data = payload.dict()
    facility = Facility.objects.visible_to(request.user).filter(pk=data.pop("facility")).first()
    if facility is None:
        raise ApiError(400, "invalid", "Structure inconnue.", {"facility": ["Structure inconnue."]})
    data["typology"] = data["typology"] or ""
    unit = services.unit_create(actor=request.user, facility=facility, **data)
    return Status(201, _unit_out(unit))


@router.get(
    "/units", response={200: UnitPage, 403: ErrorOut, 422: ErrorOut}, summary="Lister les places et logements"
)
def list_units(
    request,
    facility: int | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    _list_allowed(request)
    units = Unit.objects.order_by("pk").prefetch_related(
        Prefetch("vacancies", queryset=Vacancy.objects.open(), to_attr="open_vacancies")
    )
    if facility is not None:
        units = units.filter(facility_id=facility)
    page, count = page_of(units, limit, offset)
    return {"count": count, "results": [_unit_out(u) for u in page]}


@router.post(
    "/units/{int:unit_id}/vacancies",
    response={201: VacancyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Déclarer une vacance",
)
def declare_vacancy(request, unit_id: int, payload: VacancyIn):
    _list_allowed(request)
    unit = get_visible_or_404(
        Unit.objects.select_related("facility"),
        unit_id,
        request.user,
        message="Place ou logement introuvable.",
    )
    vacancy = services.vacancy_declare(actor=request.user, unit=unit, available_from=payload.available_from)
    return Status(201, _vacancy_out(vacancy))


@router.post(
    "/vacancies/{int:vacancy_id}/withdraw",
    response={200: VacancyOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Retirer une vacance",
)
def withdraw_vacancy(request, vacancy_id: int):
    _list_allowed(request)
    # Among the vacancies the caller manages: another's vacancy is not found (404), as it always was.
    vacancy = get_visible_or_404(
        Vacancy.objects.manageable_by(request.user).select_related("unit__facility"),
        vacancy_id,
        request.user,
        message="Vacance introuvable.",
    )
    # A proposal in progress on it: the service's VacancyConflict answers 409 (parcours.api.errors).
    vacancy = services.vacancy_withdraw(actor=request.user, vacancy=vacancy)
    return _vacancy_out(vacancy)
