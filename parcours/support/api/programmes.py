"""API v1 of supported-housing programmes and their reports."""

from datetime import date

from ninja import Query, Schema

from parcours.api.errors import ApiError
from parcours.api.pagination import page_of
from parcours.api.schemas import ErrorOut

from ..models import Programme
from ..reports import Hidden, report_for
from ._common import PageIn, router


class ProgrammeOut(Schema):
    id: int
    name: str
    landlord: int
    association: int
    territory: str
    starts_on: date
    ends_on: date | None
    units: int


class ProgrammePage(Schema):
    count: int
    results: list[ProgrammeOut]


@router.get(
    "/support/programmes", response={200: ProgrammePage}, summary="Les projets de logement accompagné"
)
def list_programmes(request, page: Query[PageIn]):
    from django.db.models import Count

    qs = (
        Programme.objects.visible_to(request.user)
        .select_related("territory")
        .annotate(unit_count=Count("units"))
        .order_by("name", "pk")
    )
    programmes, count = page_of(qs, page.limit, page.offset)
    return {
        "count": count,
        "results": [
            {
                "id": p.pk,
                "name": p.name,
                "landlord": p.landlord_id,
                "association": p.association_id,
                "territory": p.territory.code,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "units": p.unit_count,
            }
            for p in programmes
        ],
    }


class FundingOut(Schema):
    source: str
    label: str
    amount: str


class ReportOut(Schema):
    programme: int
    name: str
    on: date
    units: int
    households_housed: int | None  # null: hidden (small count or its complement)
    households_housed_now: int | None  # null: hidden (small count or its complement)
    measures: int | None  # null: hidden (small count or its complement)
    measures_open: int | None  # null: hidden (small count or its complement)
    measures_closed: int | None  # null: hidden (small count or its complement)
    actions: int
    action_hours: str
    alerts: int | None  # null: hidden (small count or its complement)
    evictions_avoided: int | None  # null: hidden (small count or its complement)
    funding_total: str
    funding_by_source: list[FundingOut]
    funding_per_household: str | None


@router.get(
    "/support/programmes/{int:programme_id}/report",
    response={200: ReportOut, 404: ErrorOut},
    summary="Le bilan d'un projet pour ses financeurs",
)
def get_report(request, programme_id: int, on: date | None = None):
    programme = Programme.objects.visible_to(request.user).filter(pk=programme_id).first()
    if programme is None:
        raise ApiError(404, "not_found", "Projet introuvable.")
    from django.utils import timezone

    on = on or timezone.localdate()
    r = report_for(request.user, programme, on=on)

    def count(value):
        return None if isinstance(value, Hidden) else value

    return {
        "programme": programme.pk,
        "name": programme.name,
        "on": on,
        "units": r.units,
        "households_housed": count(r.households_housed),
        "households_housed_now": count(r.households_housed_now),
        "measures": count(r.measures),
        "measures_open": count(r.measures_open),
        "measures_closed": count(r.measures_closed),
        "actions": r.actions,
        "action_hours": str(r.action_hours),
        "alerts": count(r.alerts),
        "evictions_avoided": count(r.evictions_avoided),
        "funding_total": f"{r.funding_total:.2f}",
        "funding_by_source": [
            {"source": c, "label": lbl, "amount": f"{a:.2f}"} for c, lbl, a in r.funding_by_source
        ],
        "funding_per_household": None
        if r.funding_per_household is None or isinstance(r.funding_per_household, Hidden)
        else f"{r.funding_per_household:.2f}",
    }
