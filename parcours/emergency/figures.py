"""The 115 figures, as the Baromètre du 115 counts them (definitions in docs/urgence-115.md).

- requests: the night's requests that were not cancelled (one per household or anonymous caller);
- households: distinct identified households, plus each anonymous request;
- persons: distinct persons: for each household the largest number of persons it asked for over
  the period, plus the persons of each anonymous request; children likewise (minors);
- allocated / unmet: requests answered with a place / recorded as unmet (DNP), whatever the reason;
- unmet rate: unmet requests ÷ requests; unmet households and persons: distinct, as above;
- family share: requests with at least one minor ÷ requests; children share: children ÷ persons.

Observers and network administrators read aggregates only: counts below the disclosure threshold
are shown as "< threshold", and a rate built on such a count is not shown (design §5.5).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count

from .choices import AllocationStatus, RequestStatus


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


@dataclass
class Figures:
    night: date | None = None
    requests: int = 0
    request_persons: int = 0
    households: int = 0
    persons: int = 0
    children: int = 0
    family_requests: int = 0
    allocated: int = 0
    unmet: int = 0
    unmet_households: int = 0
    unmet_persons: int = 0
    pending: int = 0
    no_shows: int = 0
    extensions: int = 0
    unmet_by_reason: dict = field(default_factory=dict)

    @property
    def unmet_rate(self):
        return _percent(self.unmet, self.requests)

    @property
    def family_share(self):
        return _percent(self.family_requests, self.requests)

    @property
    def children_share(self):
        return _percent(self.children, self.persons)

    def stored(self) -> dict:
        """The fields of NightFigures."""
        return {
            name: getattr(self, name)
            for name in (
                "requests",
                "request_persons",
                "households",
                "persons",
                "children",
                "family_requests",
                "allocated",
                "unmet",
                "unmet_households",
                "unmet_persons",
                "no_shows",
                "extensions",
                "unmet_by_reason",
            )
        }


def _distinct(rows) -> tuple[int, int, int]:
    """(households, persons, children), each household counted once with its largest composition."""
    largest: dict[int, tuple[int, int]] = {}
    households = persons = children = 0
    for row in rows:
        household_id = row["household_id"]
        if household_id is None:
            households += 1
            persons += row["persons"]
            children += row["children"]
        else:
            before = largest.get(household_id, (0, 0))
            largest[household_id] = (max(before[0], row["persons"]), max(before[1], row["children"]))
    households += len(largest)
    persons += sum(p for p, _c in largest.values())
    children += sum(c for _p, c in largest.values())
    return households, persons, children


def compute(rows, night: date | None = None) -> Figures:
    """Figures of a list of request rows (dicts: household_id, persons, children, status, reason)."""
    f = Figures(night=night)
    rows = [r for r in rows if r["status"] != RequestStatus.CANCELLED]
    f.requests = len(rows)
    f.request_persons = sum(r["persons"] for r in rows)
    f.households, f.persons, f.children = _distinct(rows)
    f.family_requests = sum(1 for r in rows if r["children"] > 0)
    f.allocated = sum(1 for r in rows if r["status"] == RequestStatus.ALLOCATED)
    f.pending = sum(1 for r in rows if r["status"] == RequestStatus.OPEN)
    unmet = [r for r in rows if r["status"] == RequestStatus.UNMET]
    f.unmet = len(unmet)
    f.unmet_households, f.unmet_persons, _children = _distinct(unmet)
    f.unmet_by_reason = dict(Counter(r["reason"] or "" for r in unmet))
    return f


def _rows(territory_id: int, first: date, last: date):
    from .models import EmergencyRequest

    return (
        EmergencyRequest.objects.filter(territory_id=territory_id, night__range=(first, last))
        .exclude(status=RequestStatus.CANCELLED)
        .values("night", "household_id", "persons", "children", "status", "unmet__reason")
        .order_by()
    )


def night_rows(territory_id: int, first: date, last: date) -> list[Figures]:
    """One Figures per night from `first` to `last` (nights without requests included, at zero)."""
    from .models import NightAllocation

    by_night = defaultdict(list)
    for row in _rows(territory_id, first, last):
        row["reason"] = row.pop("unmet__reason")
        by_night[row["night"]].append(row)
    allocations = (
        NightAllocation.objects.filter(request__territory_id=territory_id, night__range=(first, last))
        .values("night", "status", "extension")
        .annotate(n=Count("pk"))
        .order_by()
    )
    no_shows, extensions = Counter(), Counter()
    for a in allocations:
        if a["status"] == AllocationStatus.NO_SHOW:
            no_shows[a["night"]] += a["n"]
        elif a["status"] == AllocationStatus.BOOKED and a["extension"]:
            extensions[a["night"]] += a["n"]
    out = []
    night = first
    while night <= last:
        f = compute(by_night.get(night, []), night)
        f.no_shows, f.extensions = no_shows[night], extensions[night]
        out.append(f)
        night += timedelta(days=1)
    return out


def period_total(territory_id: int, first: date, last: date, nights: list[Figures]) -> Figures:
    """The whole period: distinct households and persons over the period (not a sum of nights)."""
    rows = []
    for row in _rows(territory_id, first, last):
        row["reason"] = row.pop("unmet__reason")
        rows.append(row)
    total = compute(rows)
    total.no_shows = sum(n.no_shows for n in nights)
    total.extensions = sum(n.extensions for n in nights)
    return total


COUNTS = (
    "requests",
    "request_persons",
    "households",
    "persons",
    "children",
    "family_requests",
    "allocated",
    "unmet",
    "unmet_households",
    "unmet_persons",
    "pending",
)
RATES = {
    "unmet_rate": ("unmet", "requests"),
    "family_share": ("family_requests", "requests"),
    "children_share": ("children", "persons"),
}


def disclosure_threshold() -> int:
    """Counts from 1 to this minus one are not shown to readers of aggregates only (the observatory's
    threshold, PARCOURS_DISCLOSURE_THRESHOLD)."""
    return settings.PARCOURS_DISCLOSURE_THRESHOLD


def shown(f: Figures, threshold: int | None = None) -> SimpleNamespace:
    """What a page shows of `f`: everything, or with small cells hidden when `threshold` is given."""
    values = {name: getattr(f, name) for name in COUNTS}
    rates = {name: getattr(f, name) for name in RATES}
    reasons = dict(f.unmet_by_reason)
    if threshold:
        hidden = {name for name, value in values.items() if 0 < value < threshold}
        for name in hidden:
            values[name] = f"< {threshold}"
        for name, parts in RATES.items():
            if hidden & set(parts):
                rates[name] = None
        reasons = {code: (f"< {threshold}" if 0 < n < threshold else n) for code, n in reasons.items()}
    return SimpleNamespace(night=f.night, unmet_by_reason=reasons, **values, **rates)
