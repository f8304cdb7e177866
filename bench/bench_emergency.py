"""115 allocation under 50 concurrent clients (design §8: zero double booking, ≥ 300 allocations/s, issue 18).

50 clients, each its own PostgreSQL connection, play call handlers allocating through the real
service (`emergency.services.allocate`: the request claimed by a conditional update, the unit by an
insert guarded by the unit × night unique constraint, then the audit row). Each night has fewer
units than attempts, so a fifth of the attempts find the place just taken (PlaceTaken → 409).

Run twice: 50 threads in one process (Python's GIL then serialises the clients' own work too), and
50 clients spread over 5 processes of 10 threads, as a web server runs several workers. Reports the
sustained allocation rate, the attempts rate, latencies, conflicts and double bookings (must be 0),
then the audit trail alone under 50 clients (bench_audit measures it in detail, ADR 0017).
"""

import multiprocessing
import threading
import time
from datetime import timedelta

from django.db import connection, connections
from django.db.models import Count

from bench.timing import percentile
from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.emergency import services
from parcours.emergency.models import EmergencyRequest, NightAllocation
from parcours.emergency.nights import current_night
from parcours.offers.models import Unit
from tests.factories import MembershipFactory, OrganizationFactory, make_emergency_facility

CLIENTS = 50
UNITS = 1500
# Attempts per night: a quarter more than units, so that a fifth of the attempts find the place taken.
ATTEMPTS_PER_NIGHT = UNITS * 5 // 4
TARGET = 300
AUDIT_PER_CLIENT = 60


def _attempts(siao, units, night) -> list[tuple[int, int]]:
    requests = EmergencyRequest.objects.bulk_create(
        [
            EmergencyRequest(
                territory=siao.territory, night=night, persons=1, suggested_priority="P4", priority="P4"
            )
            for _ in range(ATTEMPTS_PER_NIGHT)
        ]
    )
    return [(r.pk, units[i % UNITS].pk) for i, r in enumerate(requests)]


def _threads(membership, work: list, threads: int, start) -> tuple[dict, list, list]:
    """Run `threads` clients over the shared `work` list; each allocation goes through the service."""
    lock = threading.Lock()
    outcomes = {"allocated": 0, "taken": 0, "error": 0}
    latencies, errors = [], []
    work = list(reversed(work))

    def client():
        user = membership.user
        user.active_membership = membership
        local, counts = [], dict.fromkeys(outcomes, 0)
        try:
            start()
            while True:
                with lock:
                    if not work:
                        break
                    request_id, unit_id = work.pop()
                t = time.perf_counter()
                try:
                    request = EmergencyRequest.objects.get(pk=request_id)
                    unit = Unit.objects.select_related("facility").get(pk=unit_id)
                    services.allocate(actor=user, request=request, unit=unit)
                    counts["allocated"] += 1
                except services.PlaceTaken:
                    counts["taken"] += 1
                except Exception as exc:  # noqa: BLE001  (reported)
                    counts["error"] += 1
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                local.append((time.perf_counter() - t) * 1000)
        finally:
            with lock:
                latencies.extend(local)
                for key, value in counts.items():
                    outcomes[key] += value
            connections.close_all()

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return outcomes, latencies, errors


def _process(membership, work, threads, barrier, queue):
    outcomes, latencies, errors = _threads(membership, work, threads, barrier.wait)
    queue.put((outcomes, latencies, errors[:3]))


def _run(membership, work: list, processes: int) -> tuple[dict, list, list, float]:
    threads = CLIENTS // processes
    if processes == 1:
        barrier = threading.Barrier(threads + 1)
        runner = threading.Thread(
            target=lambda: result.append(_threads(membership, work, threads, barrier.wait))
        )
        result: list = []
        runner.start()
        barrier.wait()
        started = time.perf_counter()
        runner.join()
        elapsed = time.perf_counter() - started
        outcomes, latencies, errors = result[0]
        return outcomes, latencies, errors, elapsed
    # Fork after closing this process's connections: each child opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(CLIENTS + 1)
    queue = context.Queue()
    # Interleaved slices: the attempts on one unit come from different processes.
    children = [
        context.Process(target=_process, args=(membership, work[k::processes], threads, barrier, queue))
        for k in range(processes)
    ]
    for child in children:
        child.start()
    barrier.wait()
    started = time.perf_counter()
    results = [queue.get() for _ in children]
    elapsed = time.perf_counter() - started
    for child in children:
        child.join()
    outcomes = {key: sum(r[0][key] for r in results) for key in results[0][0]}
    return outcomes, [ms for r in results for ms in r[1]], [e for r in results for e in r[2]], elapsed


def run(report):
    if connection.vendor != "postgresql":
        print("  skipped: concurrent allocation is measured on PostgreSQL only")
        return
    siao = OrganizationFactory(name="SIAO bench", siao=True)
    membership = MembershipFactory(role=Role.CALL_HANDLER, organization=siao)
    _facility, units = make_emergency_facility(organization=OrganizationFactory(), units=UNITS)
    tonight = current_night()
    for n, processes in enumerate((1, 5)):
        night = tonight + timedelta(days=n)
        work = _attempts(siao, units, night)
        outcomes, latencies, errors, elapsed = _run(membership, work, processes)
        how = f"{CLIENTS} clients, {processes} process{'es' if processes > 1 else ''}"
        report(f"allocation ({how}): attempts", sum(outcomes.values()), "attempts")
        report(
            f"allocation ({how}): allocations made",
            outcomes["allocated"],
            "allocations",
            target=lambda v: v == UNITS,
        )
        report(
            f"allocation ({how}): place just taken (409)",
            outcomes["taken"],
            "conflicts",
            target=lambda v: v == ATTEMPTS_PER_NIGHT - UNITS,
        )
        report(f"allocation ({how}): errors", outcomes["error"], "errors", target=lambda v: v == 0)
        report(
            f"allocation ({how}): sustained rate",
            outcomes["allocated"] / elapsed,
            "allocations/s",
            target=lambda v: v >= TARGET,
        )
        report(f"allocation ({how}): attempts rate", sum(outcomes.values()) / elapsed, "attempts/s")
        report(f"allocation ({how}): p50 latency", percentile(latencies, 50), "ms")
        report(f"allocation ({how}): p95 latency", percentile(latencies, 95), "ms")
        if errors:
            print("  first errors:", errors[:3])
    double = (
        NightAllocation.objects.booked()
        .values("unit", "night")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    report("double bookings (unit × night booked twice)", double, "rows", target=lambda v: v == 0)

    # The audit trail alone, 50 threads from one process.
    lock, audit_lat = threading.Lock(), []
    barrier = threading.Barrier(CLIENTS + 1)

    def audit_client():
        user = membership.user
        user.active_membership = membership
        local = []
        try:
            barrier.wait()
            for i in range(AUDIT_PER_CLIENT):
                t = time.perf_counter()
                audit.record_write(actor=user, action="bench.audit", obj=("bench.row", i), fields=["x"])
                local.append((time.perf_counter() - t) * 1000)
        finally:
            with lock:
                audit_lat.extend(local)
            connections.close_all()

    pool = [threading.Thread(target=audit_client) for _ in range(CLIENTS)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    report(f"audit append alone ({CLIENTS} clients, 1 process): rows/s", len(audit_lat) / elapsed, "rows/s")
    report(f"audit append alone ({CLIENTS} clients, 1 process): p95 latency", percentile(audit_lat, 95), "ms")
