"""Smoke test of the load scenario (bench/bench_load.py): a few seconds of locust on the live server.

Call handlers and social workers log in for real (password, then a TOTP code computed from the device
key) on the demo data, and work at once: the 115 board, new calls with a search, allocations, the
household search and page, assessments, insertion requests. Not a measure (that is `make bench`):
it keeps the scenario working as the pages change. Zero errors, every step reached.
"""

import importlib
import os
import subprocess  # nosec B404 # a child process of our own, to be measured
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from parcours.emergency.models import NightAllocation

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import load  # noqa: E402

SECONDS = 10
EXPECTED = {
    "login: password",
    "login: second factor",
    "115 board",
    "115 new call: household search",
    "115 new call: save",
    "115 allocation",
    "household search",
    "household page",
    "insertion requests list",
}


def _reference_data():
    """Put back the reference rows of the data migrations (the demo and the pages need them).

    Transactional tests (the browser tests, run before this one) end by flushing every table, the
    rows written by data migrations included. Each function below is idempotent but the matching
    settings', run only when they are gone.
    """
    from django.apps import apps

    from parcours.matching.models import RuleSetting

    for module, function in [
        ("parcours.orientation.migrations.0003_refusal_reasons", "load"),
        ("parcours.assessments.migrations.0002_load_affil_v1", "forward"),
        ("parcours.support.migrations.0002_measure_kinds", "add_kinds"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)
    if not RuleSetting.objects.exists():
        importlib.import_module("parcours.matching.migrations.0002_default_settings").seed(apps, None)


@pytest.fixture
def serial_on_sqlite(live_server, monkeypatch):
    """The live server, serving one request at a time on SQLite.

    The in-memory SQLite test database is one connection shared by the live server's threads: two
    requests at once would interleave their transactions on it. On SQLite the virtual users still work
    at once, and the server answers them in turn; PostgreSQL (and `make bench`) serves them in parallel.
    """
    if connection.vendor == "sqlite":
        httpd = live_server.thread.httpd
        application, lock = httpd.get_app(), threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        monkeypatch.setattr(httpd, "application", one_at_a_time)
    return live_server


@pytest.mark.django_db(transaction=True)
def test_load_scenario_runs_without_error(serial_on_sqlite):
    live_server = serial_on_sqlite
    _reference_data()
    call_command("seed_demo", stdout=StringIO())
    allocations = NightAllocation.objects.count()
    plan = load.prepare(handlers=2, workers=2)

    result = load.run_locust(live_server.url, plan, seconds=SECONDS, max_tasks_per_user=40)

    names = {page.name for page in result.pages}
    assert result.total is not None and result.total.requests > 20
    assert result.failures == [], result.failures
    assert result.total.failures == 0
    assert names >= EXPECTED, EXPECTED - names
    # The allocations were real: places booked in the database, none twice (the page said which).
    assert NightAllocation.objects.count() - allocations == result.outcomes["allocated"] > 0
    assert result.seconds < SECONDS + 15
    # locust measured its own CPU (the load generator shares the cores with the server).
    assert result.locust_cpu > 0


def test_load_refuses_any_address_but_loopback():
    with pytest.raises(ValueError):
        load.run_locust("http://192.0.2.10", {"users": {}}, seconds=1)


def test_the_bench_compares_gunicorn_configurations_or_runs_productions():
    from bench import bench_load

    assert bench_load._configurations("") == [((None, None), "")]
    compared = bench_load._configurations("2x4, 3X2")
    assert compared == [((2, 4), " (gunicorn 2x4)"), ((3, 2), " (gunicorn 3x2)")]


def test_the_load_average_is_read_once_the_machine_rests_or_after_a_bounded_wait(monkeypatch):
    """A saturating step leaves the load average high for a minute or two: the bench waits for the
    machine to rest before reading it, and never longer than it is told."""
    readings = iter([3.2, 2.4, 1.4, 0.9])
    monkeypatch.setattr(load, "load_average", lambda: next(readings))
    assert load.settle(wait=5, poll=0) == 1.4
    monkeypatch.setattr(load, "load_average", lambda: 6.0)
    assert load.settle(wait=0.05, poll=0.01) == 6.0


def test_the_best_throughput_is_also_read_between_the_steps_around_the_target():
    from bench import bench_load

    steps = [(8, 40.0, 150.0), (16, 60.0, 250.0), (24, 70.0, 450.0), (32, 72.0, 900.0)]
    assert bench_load.interpolated(steps) == (16, 24, 62.5)
    assert bench_load.interpolated(steps[:2]) is None  # never above: the ceiling is further
    assert bench_load.interpolated(steps[2:]) is None  # never under: nothing to read between


def test_the_cpu_meter_counts_a_worker_that_ends_during_the_measure():
    """gunicorn recycles a worker after max_requests: its pid is gone before stop(), its CPU is not
    (the arbiter reaps it, and the kernel adds its CPU to the arbiter's children's)."""
    burn = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    worker = subprocess.Popen([sys.executable, "-c", burn])  # noqa: S603  # nosec B603
    meter = load.CpuMeter(server_pid=os.getpid(), database_url=None)
    meter.start()
    worker.wait()
    meter.stop()
    assert meter.app >= 0.3


def test_the_machine_yardstick_is_the_same_work_every_day():
    """Figures of two days are scaled by the yardstick's times: its workload never changes."""
    from bench import timing

    assert timing._yardstick_workload() == 13946159
