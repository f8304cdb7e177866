"""Observatory month view on PARCOURS_BENCH_115_REQUESTS 115 requests (10,000,000 by default; target ≤ 1 s).

On the households of bench/generate_households.py, fills three years of 115 nights in PostgreSQL with
INSERT … SELECT over generate_series (a quarter of the requests anonymous, the others spread so that a
household asks at most once a night, as the database requires), then the nightly rollup
(`NightFigures`) in SQL, as the rollover would have written it night after night. Then it times, over
a dozen months of the 93:

1. the 115 indicators of the observatory for one month (the rollup for the nights, SQL for the
   distinct households and persons over the month);
2. the whole observatory page (`/observatoire/?start=…&end=…&territory=93`, every indicator of the
   catalogue) as an observer, through Django's test client.

Design §8: "observatory month view, 10 M 115 requests, ≤ 1 s". PostgreSQL only.
"""

import datetime as dt
import os
import statistics
import time

from django.db import connection
from django.test import Client

from bench.timing import percentile

TARGET_S = 1.0
NIGHTS = 3 * 365
START = dt.date(2023, 1, 1)


def _fill(n_requests: int, households: tuple[int, int], territories: list[int]) -> float:
    from parcours.emergency.models import EmergencyRequest

    started = time.perf_counter()
    if EmergencyRequest.objects.count() >= n_requests:
        return 0.0
    low, count = households
    per_night = n_requests // NIGHTS
    multiplier = next(m for m in (7919, 7907, 7901, 37, 31) if count % m)
    chunk = 1_000_000
    with connection.cursor() as cursor:
        for first in range(0, per_night * NIGHTS, chunk):
            last = min(first + chunk, per_night * NIGHTS) - 1
            cursor.execute(
                """
                INSERT INTO emergency_emergencyrequest
                    (created_at, updated_at, version, household_id, territory_id, night, persons, children,
                     women_only, facts, suggested_priority, priority, priority_reason, status, caller_phone,
                     caller_name, replay_task)
                SELECT now(), now(), 1,
                       CASE WHEN i %% 4 = 0 THEN NULL
                            ELSE %(low)s + ((i * %(m)s + n * 1013) %% %(count)s) END,
                       (%(territories)s::bigint[])[1 + (i %% cardinality(%(territories)s::bigint[]))],
                       %(start)s::date + n,
                       1 + (i %% 5 = 0)::int * 2 + (i %% 11 = 0)::int,
                       (i %% 5 = 0)::int * 2,
                       false, '[]'::jsonb, 'P4', 'P4', '',
                       CASE WHEN i %% 20 = 0 THEN 'cancelled' WHEN i %% 2 = 0 THEN 'unmet'
                            ELSE 'allocated' END,
                       '', '', ''
                FROM (SELECT g / %(per_night)s AS n, g %% %(per_night)s AS i
                      FROM generate_series(%(first)s, %(last)s) AS g) AS s
                """,
                {
                    "low": low,
                    "count": count,
                    "m": multiplier,
                    "territories": territories,
                    "start": START,
                    "per_night": per_night,
                    "first": first,
                    "last": last,
                },
            )
        cursor.execute("ANALYZE emergency_emergencyrequest")
    return time.perf_counter() - started


def _rollup() -> float:
    """NightFigures for every night in SQL (the definitions of parcours/emergency/figures.py)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM emergency_nightfigures")
        cursor.execute(
            """
            INSERT INTO emergency_nightfigures
                (territory_id, night, requests, request_persons, households, persons, children,
                 family_requests, allocated, unmet, unmet_households, unmet_persons, no_shows, extensions,
                 unmet_by_reason, closed_at)
            SELECT territory_id, night, count(*), sum(persons), count(*), sum(persons), sum(children),
                   count(*) FILTER (WHERE children > 0),
                   count(*) FILTER (WHERE status = 'allocated'),
                   count(*) FILTER (WHERE status = 'unmet'),
                   count(*) FILTER (WHERE status = 'unmet'),
                   coalesce(sum(persons) FILTER (WHERE status = 'unmet'), 0),
                   0, 0,
                   jsonb_build_object('no_place', count(*) FILTER (WHERE status = 'unmet')),
                   now()
            FROM emergency_emergencyrequest
            WHERE status <> 'cancelled'
            GROUP BY territory_id, night
            """
        )
        cursor.execute("ANALYZE emergency_nightfigures")
    return time.perf_counter() - started


def run(report):
    if connection.vendor != "postgresql":
        print("  PostgreSQL only: skipped.")
        return
    from bench.generate_households import generate
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import OrganizationType, Role
    from parcours.households.models import Household
    from parcours.observatory.catalogue import INDICATORS, Period
    from parcours.territories.models import Territory
    from tests.factories import MembershipFactory, OrganizationFactory

    n_requests = int(os.environ.get("PARCOURS_BENCH_115_REQUESTS", "10000000"))
    generate(int(os.environ.get("PARCOURS_BENCH_PEOPLE", "1000000")), verbose=True)
    t93 = Territory.objects.get(code="93")
    t75, _ = Territory.objects.get_or_create(
        code="75", defaults={"name": "Paris", "region_code": "11", "region_name": "Île-de-France"}
    )
    ids = Household.objects.order_by("pk").values_list("pk", flat=True)
    low, high = ids.first(), ids.last()
    filled = _fill(n_requests, (low, high - low + 1), [t93.pk, t93.pk, t93.pk, t75.pk])
    from parcours.emergency.models import EmergencyRequest

    total = EmergencyRequest.objects.count()
    report("115 requests in the database", total, "requests")
    if filled:
        report("filling them (SQL)", filled, "s")
    report("nightly rollup of every night (SQL)", _rollup(), "s")

    codes = [code for code in INDICATORS if code.startswith("115.")]
    months = [(START.year + (m // 12), m % 12 + 1) for m in range(3, 33, 3)]

    def month(year, number):
        first = dt.date(year, number, 1)
        return Period(first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))

    for code in codes:  # warm-up: imports, first connections, caches of the planner
        INDICATORS[code].compute(month(*months[0]), "93")
    engine = []
    for year, number in months:
        period = month(year, number)
        started = time.perf_counter()
        for code in codes:
            INDICATORS[code].compute(period, "93")
        engine.append(time.perf_counter() - started)
    report("115 indicators, one month of the 93: p50", statistics.median(engine) * 1000, "ms")
    report(
        "115 indicators, one month of the 93: p95",
        percentile(engine, 95) * 1000,
        "ms",
        target=lambda v: v <= TARGET_S * 1000,
    )

    observer = Membership.objects.filter(role=Role.OBSERVER).select_related("user").first()
    if observer is None:
        observer = MembershipFactory(
            role=Role.OBSERVER,
            organization=OrganizationFactory(type=OrganizationType.STATE_SERVICE, territory=t93),
        )
    client = Client()
    client.force_login(observer.user)
    client.get("/observatoire/", {"territory": "93"})  # warm-up
    pages = []
    for year, number in months:
        period = month(year, number)
        started = time.perf_counter()
        response = client.get(
            "/observatoire/",
            {"start": period.start.isoformat(), "end": period.end.isoformat(), "territory": "93"},
        )
        pages.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    report("observatory page, one month, every indicator: p50", statistics.median(pages) * 1000, "ms")
    report(
        "observatory page, one month, every indicator: p95",
        percentile(pages, 95) * 1000,
        "ms",
        target=lambda v: v <= TARGET_S * 1000,
    )
