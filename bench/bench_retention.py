"""Retention at scale: finding the households without contact, then anonymising them.

On the households of bench/generate_households.py (PARCOURS_BENCH_PEOPLE people, as bench_households;
their paths begin at most three years ago, so the limit is 6 months instead of 24 to have many due),
measures:

1. the last contact of every household (`retention.last_contacts`: one grouped query per source);
2. the whole plan of a run (last contacts, live files, households due) — what the dry run does;
3. anonymising PARCOURS_BENCH_ANONYMISE households due (2,000 by default) in batches of 200, as
   `parcours retention --wet-run` does, as households per second.

The generator stamps people, situations and consents with the time of generation; the module first
gives them the date of their household's last update (as a real file would have), and everything
runs inside a transaction rolled back at the end: the other bench modules keep their data.

No target in design §8: a nightly cron job; the figures show it stays in minutes on a large SIAO.
PostgreSQL only (it reuses the SQL generator); on SQLite the module says so and stops.
"""

import os
import time

from django.db import connection, transaction

# The generated paths begin at most three years ago: a short limit gives a large set of files due.
MONTHS = 6


def run(report):
    if connection.vendor != "postgresql":
        print("  bench_retention runs on PostgreSQL only (it reuses the SQL household generator).")
        return
    from bench.generate_households import generate
    from parcours.core import retention
    from parcours.households.models import Household

    generate(int(os.environ.get("PARCOURS_BENCH_PEOPLE", "1000000")), verbose=False)
    with transaction.atomic():
        _measure(report, retention, Household)
        transaction.set_rollback(True)


def _backdate() -> None:
    with connection.cursor() as cursor:
        for table, column in (
            ("households_person", "updated_at"),
            ("households_situationperiod", "created_at"),
            ("households_consent", "created_at"),
        ):
            cursor.execute(
                f"UPDATE {table} t SET {column} = h.updated_at "  # noqa: S608  (fixed names)
                "FROM households_household h WHERE h.id = t.household_id"
            )
        cursor.execute("ANALYZE")


def _measure(report, retention, Household) -> None:
    _backdate()
    households = Household.objects.count()
    report("households", households, "households")

    started = time.perf_counter()
    last = retention.last_contacts()
    report("last contact of every household", time.perf_counter() - started, "s")
    report("households with a contact date", len(last), "households")

    started = time.perf_counter()
    plan = retention.plan(months=MONTHS)
    elapsed = time.perf_counter() - started
    report("plan of a run (dry run)", elapsed, "s")
    report(f"households due ({MONTHS} months)", len(plan.due), "households")
    report("households past the limit kept alive", len(plan.kept_alive), "households")

    n = min(len(plan.due), int(os.environ.get("PARCOURS_BENCH_ANONYMISE", "2000")))
    if not n:
        return
    started = time.perf_counter()
    for start in range(0, n, 200):
        retention.anonymise(plan.due[start : min(n, start + 200)])
    elapsed = time.perf_counter() - started
    report(f"anonymise {n:,} households", elapsed, "s")
    report("anonymisation rate", n / elapsed, "households/s")
