"""Build the engine's input from the database: a fixed number of columnar queries, whatever the number
of requests (no query per request), then a pure assembly into NumPy columns.

Only the facts listed in `engine.REQUEST_COLUMNS` leave this module: nationality, administrative
status and health details are never read, so they can never reach a ranking.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from parcours.households.models import MoneyLine, Person
from parcours.offers.models import Vacancy as VacancyRow
from parcours.orientation.choices import RequestStatus
from parcours.orientation.models import InsertionRequest

from .engine import RULE_CODES, Engine, Requests, Vacancy, resolve_weights
from .models import RankingWeight, RequestFacts, RuleSetting

# The requests the engine considers: validated, or already proposed (then with a pending proposal).
OPEN_STATUSES = (RequestStatus.VALIDATED, RequestStatus.PROPOSED)
VULNERABILITY_LEVEL = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}

Table = tuple[tuple[str, ...], list[tuple]]


# --- seams for the commission's models (orientation.Proposal, orientation.Parking) ---------------


def parked_households(households, today: dt.date) -> dict[int, list[int]]:
    """facility id → the households parked away from it after a refusal, on `today` (the Parking
    rows of these households still running)."""
    from parcours.orientation.models import Parking

    parked: dict[int, list[int]] = {}
    rows = Parking.objects.filter(household_id__in=households, until__gte=today).values_list(
        "facility_id", "household_id"
    )
    for facility_id, household_id in rows:
        parked.setdefault(facility_id, []).append(household_id)
    return parked


def pending_proposal_requests(requests) -> set[int]:
    """The requests holding a proposal in progress (pending or accepted, not yet admitted); a request
    in the `proposed` status counts too (see `assemble`)."""
    from parcours.orientation.choices import OPEN_PROPOSAL_STATUSES
    from parcours.orientation.models import Proposal

    return set(
        Proposal.objects.filter(
            request__in=requests.values("pk"), status__in=sorted(OPEN_PROPOSAL_STATUSES)
        ).values_list("request_id", flat=True)
    )


# --- settings ------------------------------------------------------------------------------------


@dataclass
class EngineSettings:
    """Rules and weights as stored, resolved per facility: facility row > kind row > global row."""

    weights: dict[str, float]
    by_scope: dict[tuple[str, int | None], dict[str, tuple[bool, dict]]] = field(default_factory=dict)

    def rules_for(self, kind: str, facility_id: int | None) -> dict[str, dict]:
        rules = {}
        scopes = [("", None), (kind, None)] + ([("", facility_id)] if facility_id is not None else [])
        for code in RULE_CODES:
            enabled, params = True, {}
            for scope in scopes:
                found = self.by_scope.get(scope, {}).get(code)
                if found is not None:
                    enabled, params = found[0], {**params, **found[1]}
            if enabled:
                rules[code] = params
        return rules

    def with_overrides(
        self, *, weights: Mapping | None = None, rules: Mapping | None = None
    ) -> "EngineSettings":
        """A copy with some weights and network-wide rule settings changed (what the simulation shows
        and what saving it would store): `rules` maps a code to (enabled, parameters), merged into the
        network-wide row; a kind of offer's or a facility's own setting still wins over it."""
        copy = EngineSettings(
            {**self.weights, **(weights or {})}, {k: dict(v) for k, v in self.by_scope.items()}
        )
        network = copy.by_scope.setdefault(("", None), {})
        for code, (enabled, params) in (rules or {}).items():
            _old_enabled, old_params = network.get(code, (True, {}))
            network[code] = (enabled, {**old_params, **params})
        return copy

    def fingerprint(self) -> str:
        """Changes whenever a stored weight or rule setting changes: the simulation page carries it, so
        that saving over someone else's change is refused."""
        canonical = json.dumps(
            [self.weights, sorted((list(k), v) for k, v in self.by_scope.items())],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def load_settings() -> EngineSettings:
    weights = resolve_weights(
        {term: float(w) for term, w in RankingWeight.objects.values_list("term", "weight")}
    )
    settings = EngineSettings(weights)
    for rule, kind, facility_id, enabled, params in RuleSetting.objects.values_list(
        "rule", "kind", "facility_id", "enabled", "parameters"
    ):
        scope = ("", facility_id) if facility_id else (kind, None)
        settings.by_scope.setdefault(scope, {})[rule] = (enabled, params or {})
    return settings


# --- vacancies -----------------------------------------------------------------------------------

VACANCY_FIELDS = (
    "id",
    "unit__facility_id",
    "unit__facility__kind",
    "unit__facility__territory__code",
    "unit__capacity",
    "unit__typology",
    "unit__rent",
    "unit__charges",
    "unit__accessible",
    "unit__facility__min_age",
    "unit__facility__max_age",
    "unit__facility__accepted_sex",
    "unit__facility__accepted_household",
    "unit__facility__pets_accepted",
)


def load_vacancies(queryset, settings: EngineSettings) -> list[Vacancy]:
    """The engine's view of these vacancies (one query), each with its facility's resolved rules."""
    out = []
    for row in queryset.values_list(*VACANCY_FIELDS):
        (
            vid,
            fid,
            kind,
            territory,
            capacity,
            typology,
            rent,
            charges,
            accessible,
            min_age,
            max_age,
            sex,
            hh,
            pets,
        ) = row
        out.append(
            Vacancy(
                id=vid,
                facility_id=fid,
                kind=kind,
                territory=territory,
                capacity=capacity,
                typology=typology,
                rent=None if rent is None else float(rent),
                charges=None if charges is None else float(charges),
                accessible=accessible,
                min_age=min_age,
                max_age=max_age,
                accepted_sex=sex,
                accepted_household=hh,
                pets_accepted=pets,
                rules=settings.rules_for(kind, fid),
            )
        )
    return out


def open_vacancies(territory_code: str | None = None):
    qs = VacancyRow.objects.filter(status="open", unit__active=True, unit__facility__active=True)
    if territory_code:
        qs = qs.filter(unit__facility__territory__code=territory_code)
    return qs.order_by("available_from", "pk")


# --- requests ------------------------------------------------------------------------------------

REQUEST_FIELDS = (
    "id",
    "household_id",
    "status",
    "seniority_date",
    "wished_kinds",
    "wished_territories",
    "max_rent",
    "household__dalo_decision",
    "household__syplo_labelled",
)
PEOPLE_FIELDS = ("household_id", "size", "under14", "adults", "adult_women", "adult_men", "head_birth")
MONEY_FIELDS = ("household_id", "resources", "other_charges")
FACTS_FIELDS = ("request_id", "vulnerability", "needs_accessible", "has_pets", "manual_priority")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def open_requests(*, kind: str | None = None, territory: str | None = None):
    """The open requests; with `kind` and `territory`, only those wishing both (a household that did
    not ask for this kind of offer or this département is not a candidate, nor an exclusion)."""
    qs = InsertionRequest.objects.filter(
        status__in=OPEN_STATUSES, household__deleted_at__isnull=True, household__merged_into__isnull=True
    )
    if not kind and not territory:
        return qs
    if connection.vendor == "postgresql":  # jsonb containment, in SQL
        wished = qs
        if kind:
            wished = wished.filter(wished_kinds__contains=[kind])
        if territory:
            wished = wished.filter(wished_territories__contains=[territory])
        wishing = Q(pk__in=wished.values("pk"))
    else:  # SQLite has no JSON containment: the same filter in Python (development databases are small)
        wishing = Q(
            pk__in=[
                pk
                for pk, kinds, territories in qs.values_list("pk", "wished_kinds", "wished_territories")
                if (not kind or kind in kinds) and (not territory or territory in territories)
            ]
        )
    return qs.filter(wishing)


JSON_FIELDS = ("wished_kinds", "wished_territories")


def _as_arrays(queryset, names: tuple[str, ...]) -> dict[str, list]:
    """The same query, answered as one row of arrays (PostgreSQL's array_agg over it) rather than one
    row per record: a fraction of the cost of moving and converting 100,000 rows."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows selects nothing (pk__in=[]): no SQL to run
        return {name: [] for name in names}
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    aggregates = ", ".join(f"array_agg(t.c{i})" for i in range(len(names)))
    with connection.cursor() as cursor:
        # Only generated aliases and the ORM's own compiled SQL are formatted in; values stay params.
        cursor.execute(f"SELECT {aggregates} FROM ({sql}) AS t({aliases})", params)  # noqa: S608  # nosec B608
        row = cursor.fetchone()
    columns = {name: list(values or []) for name, values in zip(names, row, strict=True)}
    for name in JSON_FIELDS:
        if name in columns:
            columns[name] = [json.loads(v) if isinstance(v, str) else v for v in columns[name]]
    return columns


def fetch_tables(requests, today: dt.date, *, arrays: bool | None = None) -> dict[str, Table]:
    """Four queries: the requests, their households' people and money counted in SQL, the matching
    facts; one row per request or household, as plain tuples, or on PostgreSQL (`arrays`, the
    default there) the same queries answered as columns."""
    households = requests.values("household_id")
    under14 = _years_before(today, 14)
    adult_born = _years_before(today, 18)
    adult = Q(birth_date__lte=adult_born) | Q(birth_date__isnull=True, relationship__in=("head", "spouse"))
    people = (
        Person.objects.filter(household_id__in=households, left_on__isnull=True)
        .values("household_id")
        .annotate(
            size=Count("id"),
            under14=Count("id", filter=Q(birth_date__gt=under14)),
            adults=Count("id", filter=adult),
            adult_women=Count("id", filter=adult & Q(sex="F")),
            adult_men=Count("id", filter=adult & Q(sex="M")),
            head_birth=Min("birth_date", filter=Q(relationship="head")),
        )
        .order_by()
        .values_list(*PEOPLE_FIELDS)
    )
    money = (
        MoneyLine.objects.filter(household_id__in=households)
        .values("household_id")
        .annotate(
            resources=Sum("monthly_amount", filter=Q(is_resource=True) & ~Q(kind="housing_benefit")),
            other_charges=Sum("monthly_amount", filter=Q(is_resource=False) & ~Q(kind="rent")),
        )
        .order_by()
        .values_list(*MONEY_FIELDS)
    )
    facts = RequestFacts.objects.filter(request__in=requests.values("id")).values_list(*FACTS_FIELDS)
    queries = {
        "requests": (requests.order_by().values_list(*REQUEST_FIELDS), REQUEST_FIELDS),
        "people": (people, PEOPLE_FIELDS),
        "money": (money, MONEY_FIELDS),
        "facts": (facts, FACTS_FIELDS),
    }
    if arrays is None:
        arrays = connection.vendor == "postgresql"
    if arrays:
        return {name: _as_arrays(qs, names) for name, (qs, names) in queries.items()}
    return {name: (names, list(qs)) for name, (qs, names) in queries.items()}


def _columns(table) -> dict:
    """A table's columns: given as such (a dict), or from (names, rows)."""
    if isinstance(table, dict):
        return table
    names, rows = table
    if not rows:
        return dict.fromkeys(names, ())
    return dict(zip(names, zip(*rows, strict=True), strict=True))


def _by_key(table: Table, key: str, ids: np.ndarray) -> tuple[np.ndarray, dict[str, tuple]]:
    """The position in `ids` of each row of `table` (by its `key` column), and its columns."""
    cols = _columns(table)
    keys = np.asarray(cols[key], dtype=np.int64)
    order = np.argsort(ids)
    pos = order[np.searchsorted(ids, keys, sorter=order)] if len(keys) else np.empty(0, dtype=np.int64)
    return pos, cols


def _scatter(n: int, pos: np.ndarray, values, default, dtype) -> np.ndarray:
    out = np.full(n, default, dtype=dtype)
    if len(pos):
        out[pos] = np.asarray([default if v is None else v for v in values], dtype=dtype)
    return out


def assemble(
    tables: Mapping[str, Table],
    *,
    today: dt.date,
    parked: Mapping[int, Iterable[int]] | None = None,
    pending: Iterable[int] = (),
) -> Requests:
    """Pure: the engine's columns from the fetched tables. Columns are taken by name, so a table may
    hold more (a test adds nationality or health columns and checks the result does not change)."""
    req = _columns(tables["requests"])
    n = len(req["id"])
    request_ids = np.asarray(req["id"], dtype=np.int64)
    household_ids = np.asarray(req["household_id"], dtype=np.int64)

    kinds = tuple(sorted({k for ks in req["wished_kinds"] for k in ks}))
    territories = tuple(sorted({t for ts in req["wished_territories"] for t in ts}))
    kind_index = {k: i for i, k in enumerate(kinds)}
    territory_index = {t: i for i, t in enumerate(territories)}
    kind_wish = np.zeros((n, len(kinds)), dtype=bool)
    territory_rank = np.full((n, len(territories)), -1, dtype=np.int16)
    for i, (ks, ts) in enumerate(zip(req["wished_kinds"], req["wished_territories"], strict=True)):
        for k in ks:
            kind_wish[i, kind_index[k]] = True
        for rank, t in enumerate(ts):
            if territory_rank[i, territory_index[t]] < 0:
                territory_rank[i, territory_index[t]] = rank

    # People and money are per household: one household has one open request at most.
    hh_order = np.argsort(household_ids)
    sorted_hh = household_ids[hh_order]

    def household_rows(table: Table) -> tuple[np.ndarray, dict]:
        cols = _columns(table)
        keys = np.asarray(cols["household_id"], dtype=np.int64)
        return hh_order[np.searchsorted(sorted_hh, keys)] if len(keys) else np.empty(0, dtype=np.int64), cols

    p_pos, people = household_rows(tables["people"])
    m_pos, money = household_rows(tables["money"])
    f_pos, facts = _by_key(tables["facts"], "request_id", request_ids)

    head_birth = people.get("head_birth", ())
    head_age = np.full(n, -1, dtype=np.int16)
    for pos, born in zip(p_pos, head_birth, strict=True):
        if born is not None:
            head_age[pos] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    pending = set(pending)
    statuses = req["status"]
    columns = {
        "request_id": request_ids,
        "household_id": household_ids,
        "seniority_day": np.asarray(
            [d.toordinal() if d else 0 for d in req["seniority_date"]], dtype=np.int32
        ),
        "size": _scatter(n, p_pos, people["size"], 0, np.int16),
        "under14": _scatter(n, p_pos, people["under14"], 0, np.int16),
        "adults": _scatter(n, p_pos, people["adults"], 0, np.int16),
        "adult_women": _scatter(n, p_pos, people["adult_women"], 0, np.int16),
        "adult_men": _scatter(n, p_pos, people["adult_men"], 0, np.int16),
        "head_age": head_age,
        "has_pets": _scatter(n, f_pos, facts["has_pets"], False, bool),
        "needs_accessible": _scatter(n, f_pos, facts["needs_accessible"], False, bool),
        "resources": _scatter(n, m_pos, money["resources"], 0.0, np.float64),
        "other_charges": _scatter(n, m_pos, money["other_charges"], 0.0, np.float64),
        "max_rent": np.asarray(
            [np.nan if m is None else float(m) for m in req["max_rent"]], dtype=np.float64
        ),
        "vulnerability": _scatter(
            n, f_pos, [VULNERABILITY_LEVEL.get(v, 0) for v in facts["vulnerability"]], 0, np.int8
        ),
        "dalo": np.asarray([bool(d) for d in req["household__dalo_decision"]], dtype=bool),
        "syplo": np.asarray(req["household__syplo_labelled"], dtype=bool),
        "manual_priority": _scatter(n, f_pos, facts["manual_priority"], 0.0, np.float64),
        "has_pending_proposal": np.asarray(
            [s == RequestStatus.PROPOSED or r in pending for s, r in zip(statuses, req["id"], strict=True)],
            dtype=bool,
        ),
    }
    parked_rows = {}
    for facility_id, households in (parked or {}).items():
        parked_rows[facility_id] = np.flatnonzero(
            np.isin(household_ids, np.fromiter(households, dtype=np.int64))
        )
    return Requests(columns, kinds, kind_wish, territories, territory_rank, parked_rows)


def load_requests(requests=None, *, today: dt.date | None = None) -> Requests:
    """The engine's columns for these requests (default: every open request)."""
    today = today or timezone.localdate()
    requests = open_requests() if requests is None else requests
    households = requests.values("household_id")
    return assemble(
        fetch_tables(requests, today),
        today=today,
        parked=parked_households(households, today),
        pending=pending_proposal_requests(requests),
    )


def load_vacancy(vacancy_row, settings: EngineSettings) -> Vacancy:
    """The engine's view of one vacancy row."""
    (vacancy,) = load_vacancies(VacancyRow.objects.filter(pk=vacancy_row.pk), settings)
    return vacancy


def engine_for_vacancy(
    vacancy_row,
    *,
    settings: EngineSettings | None = None,
    today: dt.date | None = None,
):
    """(engine, vacancy) for one vacancy, the engine reading only the requests that wish the vacancy's
    kind and département when those rules apply to it. The engine on the process-wide copy of every
    open request is `matching.cache.engine_for_vacancy`."""
    today = today or timezone.localdate()
    settings = settings or load_settings()
    vacancy = load_vacancy(vacancy_row, settings)
    rules = vacancy.rules or {}
    requests = open_requests(
        kind=vacancy.kind if "kind" in rules else None,
        territory=vacancy.territory if "territory" in rules else None,
    )
    return Engine(load_requests(requests, today=today), today, weights=settings.weights), vacancy
