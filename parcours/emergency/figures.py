"""The 115 figures, as the Baromètre du 115 counts them (definitions in docs/urgence-115.md).

- requests: the night's requests that were not cancelled (one per household or anonymous caller);
- households: distinct identified households, plus each anonymous request;
- persons: distinct persons: for each household the largest number of persons it asked for over
  the period, plus the persons of each anonymous request; children likewise (minors);
- allocated / unmet: requests answered with a place / recorded as unmet (DNP), whatever the reason;
- unmet rate: unmet requests ÷ requests; unmet households and persons: distinct, as above;
- family share: requests with at least one minor ÷ requests; children share: children ÷ persons.

Observers and network administrators read aggregates only: counts below the disclosure threshold
are shown as "< threshold", with complementary cells hidden so that no published sum gives them back
(a night's requests are its allocations, unmet requests and pending ones; the month's additive counts
are the sums of its nights; its unmet requests the sum of the reasons), and a rate built on a hidden
count is not shown (design §5.5, observatory.disclosure).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count, Q

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


def night_counts(territory_id: int, night: date) -> SimpleNamespace:
    """The board's figures of one night (requests, places allocated, unmet) in one aggregate query:
    the same counts as night_rows' (cancelled requests left out), without reading every request of
    the night and its allocations for the figures the board does not show (issue 18). Its SQL is
    compiled once per process, département and night (`compiled.rows_of`): building the aggregate
    cost the board more CPU (about 1.1 ms) than PostgreSQL's answer; the counts are read each time."""
    from parcours.core.compiled import rows_of

    from .models import EmergencyRequest

    def counts():
        # The département's one group: an aggregate as rows, so that rows_of keeps its SQL.
        return (
            EmergencyRequest.objects.filter(territory_id=territory_id, night=night)
            .exclude(status=RequestStatus.CANCELLED)
            .order_by()
            .values("territory_id")
            .annotate(
                requests=Count("pk"),
                allocated=Count("pk", filter=Q(status=RequestStatus.ALLOCATED)),
                unmet=Count("pk", filter=Q(status=RequestStatus.UNMET)),
            )
            .values_list("requests", "allocated", "unmet")
        )

    rows = rows_of(("night_counts", territory_id, night), counts)
    requests, allocated, unmet = rows[0] if rows else (0, 0, 0)
    return SimpleNamespace(night=night, requests=requests, allocated=allocated, unmet=unmet)


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


def shown(f: Figures) -> SimpleNamespace:
    """What a page shows of `f` for the 115 team: everything (readers of aggregates only get
    `protected_month`)."""
    values = {name: getattr(f, name) for name in COUNTS}
    rates = {name: getattr(f, name) for name in RATES}
    return SimpleNamespace(night=f.night, unmet_by_reason=dict(f.unmet_by_reason), **values, **rates)


# What the month's table adds up: a night's requests are allocated, unmet or pending; these counts of
# the month are the sums of its nights (distinct households and persons are not).
OUTCOMES = ("allocated", "unmet", "pending")
ADDITIVE = ("requests", "family_requests", "allocated", "unmet", "pending")
PUBLISHED = tuple(name for name in COUNTS if name != "request_persons")


def protected_month(nights: list[Figures], total: Figures, threshold: int) -> tuple[list, SimpleNamespace]:
    """The nights of a month and its total as readers of aggregates only see them: small counts and
    their complements hidden together across the table (observatory.disclosure.protect). The month
    totals are the first complements, so that a night's hidden cell stays hidden as the month goes on
    and the page can be read again every day."""
    from django.utils.translation import gettext as _

    from parcours.observatory.disclosure import is_small, protect

    keyed = [(f.night, f) for f in nights] + [("month", total)]
    cells, groups = {}, []
    for key, f in keyed:
        for name in PUBLISHED:
            cells[(key, name)] = getattr(f, name)
        groups.append(((key, "requests"), [(key, o) for o in OUTCOMES]))
    for name in ADDITIVE:
        groups.append((("month", name), [(f.night, name) for f in nights], True))
    for code, n in total.unmet_by_reason.items():
        cells[("reason", code)] = n
    groups.append((("month", "unmet"), [("reason", code) for code in total.unmet_by_reason]))
    hidden = protect(cells, groups, limit=threshold)

    def mask(key, value):
        if key not in hidden:
            return value
        return f"< {threshold}" if is_small(value, threshold) else _("masqué")

    def view(key, f):
        values = {name: mask((key, name), getattr(f, name)) for name in PUBLISHED}
        rates = {
            name: getattr(f, name) if not {(key, part), (key, whole)} & hidden else None
            for name, (part, whole) in RATES.items()
        }
        reasons = (
            {code: mask(("reason", code), n) for code, n in f.unmet_by_reason.items()}
            if key == "month"
            else {}
        )
        return SimpleNamespace(
            night=f.night, unmet_by_reason=reasons, request_persons=None, **values, **rates
        )

    return [view(key, f) for key, f in keyed[:-1]], view("month", total)
