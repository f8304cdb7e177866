"""Small-cell suppression for aggregated figures (design §5 rule 5), robust to differencing.

A count from 1 to the threshold minus one (PARCOURS_DISCLOSURE_THRESHOLD, 11 by default) is not shown
(primary suppression). Published figures are tied by sums — a total and its lines, the region and its
départements, a night's requests and their outcomes — and whoever reads them can subtract: so every
such relation ("group") that holds a hidden cell must hold at least two unknown cells, or the hidden
one is the difference of the others. `protect` hides, in each group left with a single unknown
cell, the smallest other non-zero cell (complementary suppression), and repeats until every group
holds either no unknown cell or at least two. It works on one set of cells, so that every page, export
and API answer built from the same figures hides the same cells.

Differencing across periods is defeated upstream: those who see only aggregates get whole, closed
calendar months (`fixed_month`), which never overlap partly and never change once published.
"""

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .catalogue import TOTAL, Period, Result, Row


def threshold() -> int:
    return settings.PARCOURS_DISCLOSURE_THRESHOLD


def is_small(value, limit: int) -> bool:
    return value is not None and 0 < value < limit


def protect(
    cells: dict[Hashable, float | int | None],
    groups: Iterable[tuple],
    *,
    limit: int | None = None,
    unpublished: Iterable[Hashable] = (),
    known: Iterable[Hashable] = (),
) -> set:
    """The published cells to hide.

    `cells` maps a key to its value; `groups` are the additive relations a reader knows, as
    (total key, part keys) or (total key, part keys, True): the total is the sum of the parts, and
    with True the total is the first complement (a running total — the month under way — whose
    hidden cells must not move as new parts arrive). `unpublished` cells are never shown, so they
    are unknown to the reader; they need protecting only when they are small themselves. `known`
    cells are shown to this reader whatever their size (the SIAO's own département): they protect
    nothing, so the other cells are protected without them.
    """
    limit = threshold() if limit is None else limit
    groups = [
        (group[0], [p for p in group[1] if p in cells], len(group) > 2 and group[2])
        for group in groups
        if group[0] in cells
    ]
    unpublished = set(unpublished)
    known = set(known)
    hidden = {key for key, value in cells.items() if is_small(value, limit) and key not in known}
    unknown = hidden | unpublished
    changed = True
    while changed:
        changed = False
        for total, parts, total_first in groups:
            members = [total, *parts]
            unknown_members = [m for m in members if m in unknown]
            if len(unknown_members) != 1 or unknown_members[0] not in hidden:
                continue
            candidates = sorted(
                (p for p in parts if p not in unknown and p not in known and cells[p]),
                key=lambda p: (cells[p], str(p)),
            )
            if (total_first or not candidates) and total not in unknown | known and cells[total]:
                candidates = [total]
            if candidates:
                hidden.add(candidates[0])
                unknown.add(candidates[0])
                changed = True
    return hidden - unpublished


def suppress_derived(result: Result, *, limit: int | None = None) -> Result:
    """A copy of a table of rates or durations with the values computed on few people hidden: a
    median of fewer people than the threshold, a share whose part or whose remainder (the whole minus
    the part) is a small count — the share times a published whole would give it back."""
    limit = threshold() if limit is None else limit

    def revealing(row: Row) -> bool:
        if row.base is None:
            return False
        if is_small(row.base, limit):
            return True
        return row.part is not None and (is_small(row.part, limit) or is_small(row.base - row.part, limit))

    rows = [
        Row(r.key, r.label, None, True, r.base, r.part)
        if r.value is not None and revealing(r)
        else Row(r.key, r.label, r.value, r.suppressed, r.base, r.part)
        for r in result.rows
    ]
    return Result(rows=rows, total=result.total, total_suppressed=result.total_suppressed)


def _apply(result: Result, prefix: tuple, hidden: set, limit: int) -> Result:
    rows = []
    for r in result.rows:
        if (*prefix, r.key) in hidden:
            rows.append(Row(r.key, r.label, None, True, complement=not is_small(r.value, limit)))
        else:
            rows.append(Row(r.key, r.label, r.value, r.suppressed))
    if (*prefix, TOTAL) in hidden:
        return Result(
            rows=rows, total=None, total_suppressed=True, total_complement=not is_small(result.total, limit)
        )
    return Result(rows=rows, total=result.total, total_suppressed=result.total_suppressed)


def protect_family(
    tables: dict[str, dict[str | None, Result]],
    links: Iterable[tuple[tuple[str, str], tuple[str, str]]] = (),
    *,
    limit: int | None = None,
    known_table: str | None = None,
) -> dict[str, dict[str | None, Result]]:
    """Indicators (by code) for every département (keys) and for the whole network (key None),
    suppressed together: each table's lines against its total; each line of the whole against the
    same line of the départements (what lies outside them is an unpublished remainder); and each
    `link` — the same count published by two indicators, as ((code, key), (code, key)), key TOTAL for
    a total — in each département and for the whole. The tables of `known_table` (the reader's own
    département, whose small cells they see) are shown whole and count as known to the reader."""
    limit = threshold() if limit is None else limit
    cells: dict = {}
    groups: list = []
    unpublished: set = set()
    for code, by_territory in tables.items():
        for table, result in by_territory.items():
            for r in result.rows:
                cells[(code, table, r.key)] = r.value
            if result.total is not None:
                cells[(code, table, TOTAL)] = result.total
                groups.append(((code, table, TOTAL), [(code, table, r.key) for r in result.rows]))
        if None in by_territory:
            parts_of = [t for t in by_territory if t is not None]
            for (c, table, key), value in list(cells.items()):
                if c != code or table is not None or value is None:
                    continue
                parts = [(code, t, key) for t in parts_of if (code, t, key) in cells]
                rest = value - sum(cells[p] or 0 for p in parts)
                if rest:
                    cells[(code, "rest", key)] = rest
                    unpublished.add((code, "rest", key))
                    parts.append((code, "rest", key))
                groups.append(((code, None, key), parts))
    for (code_a, key_a), (code_b, key_b) in links:
        if code_a in tables and code_b in tables:
            for table in tables[code_a]:
                groups.append(((code_a, table, key_a), [(code_b, table, key_b)]))
    known = {cell for cell in cells if known_table is not None and cell[1] == known_table}
    hidden = protect(cells, groups, limit=limit, unpublished=unpublished, known=known)
    return {
        code: {table: _apply(result, (code, table), hidden, limit) for table, result in by_territory.items()}
        for code, by_territory in tables.items()
    }


def protect_tables(tables: dict[str | None, Result], *, limit: int | None = None) -> dict[str | None, Result]:
    """One indicator for every département and for the whole network (key None), suppressed together."""
    return protect_family({"": tables}, limit=limit)[""]


def suppress(result: Result, *, limit: int | None = None) -> Result:
    """A copy of one table with small counts (0 excluded: nobody to single out) and their complements
    hidden."""
    return protect_tables({"": result}, limit=limit)[""]


def last_closed_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    return Period(end.replace(day=1), end)


def fixed_month(period: Period, today: dt.date | None = None) -> Period:
    """The period that those who see aggregates only may read for a request of `period`: the whole
    calendar month holding its end, or the last closed month when that one is not over yet."""
    closed = last_closed_month(today)
    if period.end >= closed.end + dt.timedelta(days=1):
        return closed
    first = period.end.replace(day=1)
    return Period(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))


def fixed_month_note(period: Period) -> str:
    return _(
        "Secret statistique : sans accès aux petits effectifs, les chiffres se lisent par mois civil "
        "entier et clos. La période affichée est le mois de %(month)s."
    ) % {"month": formats.date_format(period.start, "F Y")}
