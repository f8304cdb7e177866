"""The indicator catalogue: every figure of the observatory with its written definition.

Each domain registers its indicators from its own `indicators.py` (imported by its AppConfig.ready()),
the way home panels and path steps are registered. An indicator computes, for a period and optionally
a département, a table of labelled values; the observatory serves it as a chart, the same figures as a
table, exports and the API, suppressing small cells for those who must only see aggregates.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: the first instant of the period and the first after it."""
        from django.utils import timezone

        start = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return start, end


@dataclass
class Row:
    """One line of an indicator's table: a label (a category, a night, a month…) and its value."""

    key: str
    label: str
    value: float | int | None
    suppressed: bool = False
    # For a rate or a duration (not a count of people): how many people or events it is computed on,
    # and for a rate the count it is the share of. A median of three stays or a share whose part is
    # small singles people out: hidden below the disclosure threshold (disclosure.suppress_derived).
    base: int | None = None
    part: int | None = None
    complement: bool = False  # hidden although not small, so that a sum does not give a small one back


@dataclass
class Result:
    rows: list[Row]
    total: float | int | None = None  # shown as the last line when the rows add up to it
    total_suppressed: bool = False
    total_complement: bool = False


@dataclass(frozen=True)
class Indicator:
    code: str
    domain: str  # "115", "siao", "support"
    label: str
    definition: str  # what is counted, from which events, over which period and territory
    unit: str  # "demandes", "ménages", "%", "jours"…
    compute: Callable[[Period, str | None], Result] = field(compare=False)
    # Counts of people or households can be small enough to single someone out: suppressed below the
    # threshold for whoever may only see aggregates. Rates and durations are not counts of people.
    counts_people: bool = True
    chart: str = "bar"  # "bar" or "line"


def median_and_p90(values: list) -> "Result":
    """A duration's median and 90th percentile (the largest value below ten values), or empty rows."""
    import statistics

    from django.utils.translation import gettext as _

    if not values:
        return Result(rows=[Row("median", _("médiane"), None), Row("p90", _("90e centile"), None)])
    ordered = sorted(values)
    p90 = ordered[-1] if len(ordered) < 10 else statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    n = len(ordered)
    return Result(
        rows=[
            Row("median", _("médiane"), statistics.median(ordered), base=n),
            Row("p90", _("90e centile"), p90, base=n),
        ]
    )


INDICATORS: dict[str, Indicator] = {}
TOTAL = "__total__"  # the key of a table's total, in links and suppression
# The same count published by two indicators, ((code, key), (code, key)): they are suppressed together
# (observatory.disclosure), or one would show what the other hides.
LINKS: list[tuple[tuple[str, str], tuple[str, str]]] = []


def link(a: tuple[str, str], b: tuple[str, str]) -> None:
    """Declare that the cell `a` of one indicator counts the same as the cell `b` of another."""
    LINKS.append((a, b))


def family(code: str) -> list[str]:
    """The indicators linked to `code`, directly or not, itself included."""
    found, todo = {code}, [code]
    while todo:
        current = todo.pop()
        for (code_a, _key_a), (code_b, _key_b) in LINKS:
            for this, other in ((code_a, code_b), (code_b, code_a)):
                if this == current and other not in found:
                    found.add(other)
                    todo.append(other)
    return sorted(found)


# code → function (period, territory, key) → a Household queryset: the files behind one figure of the
# indicator, for the roles that may open them (intersected with what the reader may see).
DRILLS: dict[str, Callable] = {}


def drill(code: str):
    """Declare how to list the households behind a figure of the indicator `code`."""

    def decorator(function):
        DRILLS[code] = function
        return function

    return decorator


def register(**kwargs):
    """Decorate a compute function `(period, territory) → Result` to add it to the catalogue."""

    def decorator(compute):
        indicator = Indicator(compute=compute, **kwargs)
        if indicator.code in INDICATORS:
            raise ValueError(f"indicator {indicator.code} registered twice")
        INDICATORS[indicator.code] = indicator
        return compute

    return decorator


def by_domain() -> dict[str, list[Indicator]]:
    """The indicators of each domain in the order the domain declares them: the order of its path
    (requests, answers, admissions, exits), which is how the theme pages read."""
    grouped: dict[str, list[Indicator]] = {}
    for indicator in sorted(INDICATORS.values(), key=lambda i: i.domain):
        grouped.setdefault(indicator.domain, []).append(indicator)
    return grouped
