"""Small-cell suppression for aggregated figures (design §5 rule 5).

A count below the threshold (PARCOURS_DISCLOSURE_THRESHOLD, 11 by default) is not shown. So that it
cannot be recovered from the total or by subtracting the other lines, a second cell of the same table —
the smallest one left — is suppressed too (complementary suppression) whenever a total is published.
Differencing two exports is defeated upstream: open data covers whole calendar months and whole
départements only, so two exports never overlap partly (see views.opendata).
"""

from django.conf import settings

from .catalogue import Result, Row


def threshold() -> int:
    return settings.PARCOURS_DISCLOSURE_THRESHOLD


def suppress(result: Result, *, limit: int | None = None) -> Result:
    """A copy of the result with small counts (0 excluded: nobody to single out) hidden."""
    limit = threshold() if limit is None else limit
    rows = [Row(r.key, r.label, r.value, r.suppressed) for r in result.rows]
    small = [r for r in rows if r.value is not None and 0 < r.value < limit]
    for r in small:
        r.value, r.suppressed = None, True
    if small and result.total is not None:
        # One hidden cell alone is the total minus the others: hide the smallest other one as well.
        hidden = sum(1 for r in rows if r.suppressed)
        others = sorted((r for r in rows if not r.suppressed and r.value), key=lambda r: r.value)
        if hidden == 1 and others:
            others[0].value, others[0].suppressed = None, True
    total = result.total
    if total is not None and 0 < total < limit:
        total = None
    return Result(rows=rows, total=total)
