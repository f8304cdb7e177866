"""Load: 115 call handlers and social workers working at once on a real server (p95 per page, 0 errors).

On its own throwaway PostgreSQL database (`<bench database>_load`), first with the demo
(`seed-demo`), then with PARCOURS_LOAD_PEOPLE more people (100,000 by default,
bench/generate_households.py) on top of it:

- gunicorn serves the test settings on 127.0.0.1 and a random free port (2 workers × 4 threads);
- locust (bench/locustfile.py), headless, runs PARCOURS_LOAD_HANDLERS call handlers and
  PARCOURS_LOAD_WORKERS social workers (6 + 6 by default) for PARCOURS_LOAD_SECONDS (45 s), each one
  at most 300 steps, with 0.2–1 s of thought between steps. Each logs in for real (password, then a
  TOTP code) into a bench account that `bench/load.py prepare` created with its device;
- call handlers: the 115 board, a request of the board, a new call (search, then save for tonight),
  the allocation of a free place (another handler may take it first: counted, not an error);
  social workers: household search, household page, its assessments, insertion requests, home page.

Every page's p50 and p95 (locust's histogram: two significant figures), requests per second and
errors (target 0: any answer but 200, a page sent back to the login, a refused login). On SQLite the
module says so and stops (the server's workers need a database they can share).
"""

import json
import os
import subprocess  # nosec B404 # our own manage.py and generator, argument lists
import sys
import tempfile
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}


def _call(url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, *args], cwd=ROOT, env=_env(url), check=True, stdout=subprocess.DEVNULL
    )


def _plan(url: str, handlers: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="parcours-load-") as tmp:
        out = Path(tmp) / "plan.json"
        _call(url, "bench/load.py", "prepare", str(out), f"--handlers={handlers}", f"--workers={workers}")
        return json.loads(out.read_text())


def _measure(report, label: str, url: str, handlers: int, workers: int, seconds: int) -> None:
    plan = _plan(url, handlers, workers)
    with load.server(url) as base_url:
        result = load.run_locust(base_url, plan, seconds=seconds, max_tasks_per_user=300)
    for page in sorted(result.pages, key=lambda p: p.name):
        report(f"{label}: {page.name} ({page.requests} req.): p50", page.p50, "ms")
        report(f"{label}: {page.name}: p95", page.p95, "ms")
    total = result.total
    report(f"{label}: all pages ({total.requests} requests): p50", total.p50, "ms")
    report(f"{label}: all pages: p95", total.p95, "ms")
    report(f"{label}: throughput ({handlers} + {workers} users)", total.rps, "req/s")
    for outcome, count in result.outcomes.items():
        report(f"{label}: 115 calls, {outcome}", count, "calls")
    report(f"{label}: errors", total.failures, "errors", target=lambda v: v == 0)
    for failure in result.failures:
        print(f"  ! {failure}")


def run(report):
    if connection.vendor != "postgresql":
        print("  skipped: the load test runs on PostgreSQL only (gunicorn's workers share the database)")
        return
    people = int(os.environ.get("PARCOURS_LOAD_PEOPLE", "100000"))
    handlers = int(os.environ.get("PARCOURS_LOAD_HANDLERS", "6"))
    workers = int(os.environ.get("PARCOURS_LOAD_WORKERS", "6"))
    seconds = int(os.environ.get("PARCOURS_LOAD_SECONDS", "45"))

    settings = connection.settings_dict
    name = f"{settings['NAME']}_load"
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    if settings.get("PASSWORD"):
        server = server.replace("@", f":{settings['PASSWORD']}@", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    try:
        _call(url, "manage.py", "migrate", "--noinput")
        _call(url, "manage.py", "seed_demo")
        _measure(report, "demo", url, handlers, workers, seconds)
        _call(url, "bench/generate_households.py", str(people))
        label = f"{people / 1000:,.0f} k people" if people >= 1000 else f"{people} people"
        _measure(report, label, url, handlers, workers, seconds)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
