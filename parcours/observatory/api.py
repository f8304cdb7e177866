"""API v1 of the observatory: the indicator catalogue and aggregated figures (api-v1.md, "Observatory")."""

import datetime as dt

from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from parcours.api.errors import ApiError
from parcours.api.schemas import ErrorOut

from . import perms, services
from .catalogue import INDICATORS, Period
from .disclosure import fixed_month, fixed_month_note
from .forms import default_period, period_error

router = Router(tags=["observatoire"])


class IndicatorOut(Schema):
    code: str
    domain: str
    label: str
    definition: str
    unit: str
    counts_people: bool


class FigureOut(Schema):
    key: str
    label: str
    value: float | int | None
    suppressed: bool


class FiguresOut(Schema):
    code: str
    label: str
    unit: str
    start: dt.date
    end: dt.date
    territory: str | None
    threshold: int
    rows: list[FigureOut]
    total: float | int | None
    period_note: str | None = None


class FiguresQuery(Schema):
    start: dt.date | None = SchemaField(None, alias="from")
    end: dt.date | None = SchemaField(None, alias="to")
    territory: str | None = SchemaField(None, max_length=3)


def _allowed(request):
    if not perms.can_view_observatory(request.user):
        raise ApiError(403, "forbidden", "Votre rôle ne donne pas accès à l'observatoire.")


def _out(ind) -> dict:
    return {
        "code": ind.code,
        "domain": ind.domain,
        "label": str(ind.label),
        "definition": str(ind.definition),
        "unit": str(ind.unit),
        "counts_people": ind.counts_people,
    }


@router.get(
    "/indicators", response={200: list[IndicatorOut], 403: ErrorOut}, summary="Le catalogue des indicateurs"
)
def list_indicators(request):
    _allowed(request)
    return [_out(ind) for ind in sorted(INDICATORS.values(), key=lambda i: i.code)]


@router.get(
    "/indicators/{code}",
    response={200: FiguresOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Les chiffres agrégés d'un indicateur (petits effectifs masqués)",
)
def get_indicator(request, code: str, filters: Query[FiguresQuery]):
    _allowed(request)
    ind = services.indicator(code)
    error = period_error(filters.start, filters.end)
    if error is None:
        default = default_period()
        end = filters.end or default.end
        start = filters.start or (default.start if filters.end is None else end.replace(day=1))
        error = period_error(start, end)
    if error:
        raise ApiError(400, "invalid", error, {"from": [error]})
    territory = filters.territory or None
    small = perms.sees_small_cells(request.user, territory)
    period, note = Period(start, end), None
    if not small:
        # Those who see aggregates only read whole closed months: overlapping periods would subtract.
        fixed = fixed_month(period)
        if fixed != period and (filters.start or filters.end):
            note = fixed_month_note(fixed)
        period = fixed
    result = services.figures(
        ind, period, territory, small_cells=small, known=perms.small_cells_territory(request.user)
    )
    return {
        "code": ind.code,
        "label": str(ind.label),
        "unit": str(ind.unit),
        "start": period.start,
        "end": period.end,
        "territory": territory,
        "threshold": services.threshold(),
        "rows": [
            {"key": r.key, "label": r.label, "value": r.value, "suppressed": r.suppressed}
            for r in result.rows
        ],
        "total": result.total,
        "period_note": note,
    }
