"""Load: 115 call handlers and social workers at once on a real server, in steps of users: the
throughput at p95 <= 300 ms, each page's p50/p95 and its ratio to the floor, CPU per request.

On its own throwaway PostgreSQL database (`<bench database>_load`), first with the demo
(`seed-demo`), then with PARCOURS_LOAD_PEOPLE more people (100,000 by default,
bench/generate_households.py), the newest households attached to the bench's own social workers
(`bench/load.py attach`) so that the large run changes the pages they read:

- gunicorn serves the test settings on 127.0.0.1 and a random free port (2 workers x 4 threads,
  persistent connections, durable commits and production's password hashers);
- locust (bench/locustfile.py), headless, runs steps of users (PARCOURS_LOAD_STEPS, "4,8,16,24" by
  default: half call handlers, half social workers) for PARCOURS_LOAD_SECONDS each (30 s), 0.2-1 s of
  thought between steps. Each logs in for real (password, then a TOTP code) into a bench account
  that `bench/load.py prepare` created with its device. Between two steps tonight's places given by
  the previous one are free again (`bench/load.py reset`): allocations are really exercised;
- call handlers: the 115 board, a request of the board, a new call (search, then save for tonight),
  the allocation of a free place (another handler may take it first: counted, not an error);
  social workers: household search, household page, its assessments, insertion requests, home page;
  everyone: the floor (/healthz, one `SELECT 1` through the middleware), each page's yardstick.

Per step: requests per second, p50 and p95 of all pages, the CPU milliseconds per request of the
app's processes and of PostgreSQL's backends, errors (target 0). Then the best step (the highest
throughput whose p95 is at most 300 ms): every page's p50, p95 and p50 / floor's p50. The machine's
load average is read at the start and the end: above 1.5 the figures are printed but marked not
publishable. On SQLite the module says so and stops.
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

P95_TARGET_MS = 300


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PARCOURS_DURABLE_COMMITS": "true",
        **load.PRODUCTION_HASHERS,
    }


def _call(url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, *args], cwd=ROOT, env=_env(url), check=True, stdout=subprocess.DEVNULL
    )


def _plan(url: str, handlers: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="parcours-load-") as tmp:
        out = Path(tmp) / "plan.json"
        _call(url, "bench/load.py", "prepare", str(out), f"--handlers={handlers}", f"--workers={workers}")
        return json.loads(out.read_text())


def _split(users: int) -> tuple[int, int]:
    handlers = max(1, users // 2)
    return handlers, max(1, users - handlers)


def _measure(report, label: str, url: str, steps: list[int], seconds: int) -> bool:
    """Run each step; report its figures, then the best step's pages. True when publishable."""
    with tempfile.TemporaryDirectory(prefix="parcours-load-") as tmp:
        marked = str(Path(tmp) / "mark.json")
        _call(url, "bench/load.py", "mark", marked)
        loads = [load.load_average()]
        best = None
        with load.server(url) as server:
            for users in steps:
                # Fresh accounts and TOTP devices for each step: a code is refused the second time
                # (replay protection), and the same users log in again a few seconds later.
                step_plan = _plan(url, *_split(users))
                meter = load.CpuMeter(server_pid=server.pid, database_url=url)
                meter.start()
                result = load.run_locust(server.url, step_plan, seconds=seconds, max_tasks_per_user=10**6)
                meter.stop()
                _call(url, "bench/load.py", "reset", marked)
                total = result.total
                name = f"{label}, {users} users"
                report(f"{name}: throughput", total.rps, "req/s")
                report(f"{name}: all pages p50", total.p50, "ms")
                report(f"{name}: all pages p95", total.p95, "ms", target=lambda v: v <= P95_TARGET_MS)
                served = max(total.requests, 1)
                report(f"{name}: app CPU per request", meter.app * 1000 / served, "ms")
                report(f"{name}: PostgreSQL CPU per request", meter.database * 1000 / served, "ms")
                for outcome, count in result.outcomes.items():
                    report(f"{name}: 115 calls, {outcome}", count, "calls")
                report(f"{name}: errors", total.failures, "errors", target=lambda v: v == 0)
                for failure in result.failures:
                    print(f"  ! {failure}")
                if total.p95 <= P95_TARGET_MS and (best is None or total.rps > best[1].total.rps):
                    best = (users, result)
        loads.append(load.load_average())
    if best is None:
        print(f"  {label}: no step kept p95 at or under {P95_TARGET_MS} ms")
    else:
        users, result = best
        report(f"{label}: throughput at p95 <= {P95_TARGET_MS} ms ({users} users)", result.total.rps, "req/s")
        floor = next((p.p50 for p in result.pages if p.name == load.FLOOR), 0) or 1
        for page in sorted(result.pages, key=lambda p: p.name):
            report(f"{label}, {users} users: {page.name} ({page.requests} req.): p50", page.p50, "ms")
            report(f"{label}, {users} users: {page.name}: p95", page.p95, "ms")
            report(f"{label}, {users} users: {page.name}: p50 / floor", page.p50 / floor, "x")
    report(f"{label}: load average at start", loads[0], "", target=lambda v: v <= load.MAX_LOAD)
    report(f"{label}: load average at end", loads[1], "", target=lambda v: v <= load.MAX_LOAD)
    publishable = max(loads) <= load.MAX_LOAD
    if not publishable:
        print(
            f"  ! {label}: load average {loads[0]:.2f} at start, {loads[1]:.2f} at end (above "
            f"{load.MAX_LOAD}): the machine was busy, these figures are NOT to be published"
        )
    return publishable


def run(report):
    if connection.vendor != "postgresql":
        print("  skipped: the load test runs on PostgreSQL only (gunicorn's workers share the database)")
        return
    people = int(os.environ.get("PARCOURS_LOAD_PEOPLE", "100000"))
    steps = [int(n) for n in os.environ.get("PARCOURS_LOAD_STEPS", "4,8,16,24").split(",") if n.strip()]
    seconds = int(os.environ.get("PARCOURS_LOAD_SECONDS", "30"))
    per_worker = int(os.environ.get("PARCOURS_LOAD_PER_WORKER", "300"))

    settings = connection.settings_dict
    name = f"{settings['NAME']}_load"
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    if settings.get("PASSWORD"):
        server = server.replace("@", f":{settings['PASSWORD']}@", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{server}/{name}"
    publishable = True
    try:
        _call(url, "manage.py", "migrate", "--noinput")
        _call(url, "manage.py", "seed_demo")
        publishable &= _measure(report, "demo", url, steps, seconds)
        if people:
            _call(url, "bench/generate_households.py", str(people))
            _call(url, "bench/load.py", "attach", f"--per-worker={per_worker}")
            label = f"{people / 1000:,.0f} k people" if people >= 1000 else f"{people} people"
            publishable &= _measure(report, label, url, steps, seconds)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if not publishable and hasattr(report, "refuse"):
        report.refuse("load average above 1.5 during the load test")
