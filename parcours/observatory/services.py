"""Reading the catalogue: an indicator's figures for a period and a département, suppressed as the
reader requires, the comparison between départements, and tabular exports (CSV, XLSX, ODS)."""

import datetime as dt

import tablib
from django.conf import settings

from parcours.core import spreadsheet

from .catalogue import INDICATORS, Indicator, Period, Result
from .disclosure import suppress


class UnknownIndicator(KeyError):
    pass


def indicator(code: str) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise UnknownIndicator(code) from None


def figures(ind: Indicator, period: Period, territory: str | None, *, small_cells: bool) -> Result:
    result = ind.compute(period, territory)
    return result if small_cells or not ind.counts_people else suppress(result)


def comparison(ind: Indicator, period: Period, territories: list[tuple[str, str]]) -> Result:
    """One line per département: the indicator's total (or single value) there, always suppressed —
    comparing départements is for everyone."""
    from .catalogue import Row

    rows = []
    for code, name in territories:
        result = ind.compute(period, code)
        value = result.total if result.total is not None else (result.rows[0].value if result.rows else None)
        rows.append(Row(code, f"{code} — {name}", value))
    compared = Result(rows=rows, total=None)
    return suppress(compared) if ind.counts_people else compared


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


def open_data(year: int, month: int, territories: list[tuple[str, str]]) -> tablib.Dataset:
    """Every indicator for one whole calendar month and each whole département, small cells
    suppressed with their complements: fixed, non-overlapping cells that no two exports can be
    subtracted to reveal."""
    period = month_period(year, month)
    data = tablib.Dataset(title=f"parcours-{year}-{month:02d}")
    data.headers = ["mois", "département", "indicateur", "code", "libellé", "valeur", "unité"]
    for ind in sorted(INDICATORS.values(), key=lambda i: i.code):
        for code, _name in territories:
            result = ind.compute(period, code)
            if ind.counts_people:
                result = suppress(result)
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
