"""Reading the catalogue: an indicator's figures for a period and a département, suppressed as the
reader requires, the comparison between départements, and tabular exports (CSV, XLSX, ODS)."""

import datetime as dt

import tablib
from django.conf import settings
from django.utils.translation import gettext_lazy

from parcours.core import errors, spreadsheet

from .catalogue import INDICATORS, LINKS, Indicator, Period, Result, family
from .disclosure import protect_family, suppress_derived


class UnknownIndicator(errors.NotFound, KeyError):
    """No indicator has this code (a 404 on pages and in the API)."""

    default_message = gettext_lazy("Indicateur inconnu.")


def indicator(code: str) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise UnknownIndicator() from None


def published(
    ind: Indicator,
    period: Period,
    territories: list[tuple[str, str]],
    *,
    cache: dict | None = None,
    known: str | None = None,
) -> dict[str | None, Result]:
    """The indicator as those who see aggregates only read it: for every département of the region
    and for the whole network (key None), small cells and their complements hidden together with the
    indicators linked to it (catalogue.link), so that no page, export or API answer can be subtracted
    from another to find a hidden cell. `cache` keeps a family computed once per request. `known` is
    the département whose small cells the reader sees (perms.small_cells_territory): they count as
    known, so that they cannot be subtracted to find another département's."""
    if not ind.counts_people:
        tables = {None: ind.compute(period, None)} | {c: ind.compute(period, c) for c, _name in territories}
        return {code: suppress_derived(result) for code, result in tables.items()}
    codes = [c for c in family(ind.code) if INDICATORS[c].counts_people]
    key = (tuple(codes), period, tuple(territories), known)
    if cache is None or key not in cache:
        tables = {
            code: {None: INDICATORS[code].compute(period, None)}
            | {c: INDICATORS[code].compute(period, c) for c, _name in territories}
            for code in codes
        }
        protected = protect_family(tables, LINKS, known_table=known)
        if cache is None:
            return protected[ind.code]
        cache[key] = protected
    return cache[key][ind.code]


def figures(
    ind: Indicator,
    period: Period,
    territory: str | None,
    *,
    small_cells: bool,
    territories: list[tuple[str, str]] | None = None,
    cache: dict | None = None,
    known: str | None = None,
) -> Result:
    if small_cells:
        return ind.compute(period, territory)
    if not ind.counts_people:
        return suppress_derived(ind.compute(period, territory))
    if territories is None:
        from .forms import region_territories

        territories = region_territories()
    if territory is not None and territory not in dict(territories):
        territories = [*territories, (territory, territory)]
    return published(ind, period, territories, cache=cache, known=known)[territory]


def comparison(
    ind: Indicator,
    period: Period,
    territories: list[tuple[str, str]],
    *,
    cache: dict | None = None,
    known: str | None = None,
) -> Result:
    """One line per département: the indicator's total (or single value) there, always suppressed —
    comparing départements is for everyone — with the same hidden cells as every other view."""
    from .catalogue import Row

    tables = published(ind, period, territories, cache=cache, known=known)
    rows = []
    for code, name in territories:
        result = tables[code]
        if result.total is not None or result.total_suppressed:
            value, hidden, complement = result.total, result.total_suppressed, result.total_complement
        elif result.rows:
            first = result.rows[0]
            value, hidden, complement = first.value, first.suppressed, first.complement
        else:
            value, hidden, complement = None, False, False
        rows.append(Row(code, f"{code} — {name}", value, hidden, complement=complement))
    return Result(rows=rows, total=None)


def as_dataset(ind: Indicator, result: Result, *, period: Period, territory: str | None) -> tablib.Dataset:
    data = tablib.Dataset(title=ind.code[:31])
    data.headers = ["code", "libellé", "valeur", "masquée", "unité", "du", "au", "département"]
    for row in result.rows:
        data.append(
            [
                row.key,
                row.label,
                row.value,
                row.suppressed,
                str(ind.unit),
                period.start,
                period.end,
                territory or "",
            ]
        )
    if result.total is not None:
        data.append(
            ["total", "Total", result.total, False, str(ind.unit), period.start, period.end, territory or ""]
        )
    return data


FORMATS = spreadsheet.FORMATS
export = spreadsheet.export  # every export goes through the formula-injection guard


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(start, end)


def open_data(
    year: int, month: int, territories: list[tuple[str, str]], *, known: str | None = None
) -> tablib.Dataset:
    """Every indicator for one whole calendar month and each whole département, small cells
    suppressed with their complements: fixed, non-overlapping cells that no two exports can be
    subtracted to reveal."""
    period = month_period(year, month)
    data = tablib.Dataset(title=f"parcours-{year}-{month:02d}")
    data.headers = ["mois", "département", "indicateur", "code", "libellé", "valeur", "unité"]
    cache: dict = {}
    for ind in sorted(INDICATORS.values(), key=lambda i: i.code):
        tables = published(ind, period, territories, cache=cache, known=known)
        for code, _name in territories:
            result = tables[code]
            for row in result.rows:
                data.append(
                    [f"{year}-{month:02d}", code, ind.code, row.key, row.label, row.value, str(ind.unit)]
                )
            if result.total is not None:
                data.append(
                    [f"{year}-{month:02d}", code, ind.code, "total", "Total", result.total, str(ind.unit)]
                )
    return data


def threshold() -> int:
    return settings.PARCOURS_DISCLOSURE_THRESHOLD
