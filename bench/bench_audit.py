"""The audit trail: every audited write and every named read appends a row, so its cost is on every page.

1, 8 and 32 writer threads, each with its own connection, for a fixed time: half of their actions
trace a read (`record_read` in its own transaction, as a page does), half make a small change
and audit it in the same transaction (`record_write`). A sealer thread seals the trail every
second meanwhile, as the task worker does (ADR 0017). Reports throughput, p50/p95 latency, how many
rows wait for their seal at the end, then seals and verifies the whole trail. Finally the time
verify-audit takes over a trail grown to PARCOURS_BENCH_AUDIT_ROWS rows.
"""

import multiprocessing
import os
import statistics
import threading
import time

from django.db import connection, connections, transaction

from parcours.accounts.models import Organization
from parcours.core import audit
from parcours.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganizationFactory

WRITERS = (1, 8, 32)
PROCESSES = 4  # the last round: 32 writers over 4 processes, as a web server runs several workers
SECONDS = float(os.environ.get("PARCOURS_BENCH_AUDIT_SECONDS", "8"))
BULK_ROWS = int(os.environ.get("PARCOURS_BENCH_AUDIT_ROWS", "100000"))
TARGET_32 = 1500  # audited writes per second with 32 writers (issue 18)


def _pct(samples, n):
    return statistics.quantiles(samples, n=100)[n - 1] if len(samples) > 1 else 0.0


def _sealer(stop: threading.Event, lags: list):
    seal = getattr(audit, "seal_pending", None)
    if seal is None:  # the trail before ADR 0017 seals each row as it is written
        return
    try:
        while not stop.wait(1.0):
            seal()
        lags.append(AuditEvent.objects.filter(seq__isnull=True).count())
    finally:
        connections.close_all()


def _writers(numbers, user, orgs, stop_at, wait) -> tuple[list[float], list[str]]:
    """Run one writer thread per number until `stop_at`; their latencies and errors."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(len(numbers), action=wait)

    def writer(number: int):
        local = []
        org_id = orgs[number].pk
        i = 0
        try:
            barrier.wait()
            while time.perf_counter() < stop_at:
                i += 1
                t = time.perf_counter()
                if i % 2:
                    audit.record_read(
                        actor=user, obj=("households.household", i), sections=["identity"], purpose="bench"
                    )
                else:
                    with transaction.atomic():
                        Organization.objects.filter(pk=org_id).update(siret=f"{i % 10**14:014d}")
                        audit.record_write(
                            actor=user,
                            action="bench.write",
                            obj=("accounts.organization", org_id),
                            fields=["siret"],
                        )
                local.append((time.perf_counter() - t) * 1000)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(repr(exc))
        finally:
            connections.close_all()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=writer, args=(n,)) for n in numbers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, errors


def _child(numbers, user, orgs, stop_at, barrier, queue):
    queue.put(_writers(numbers, user, orgs, stop_at, barrier.wait))


def _round(writers: int, user, orgs, processes: int = 1) -> dict:
    stop, lags = threading.Event(), []
    if processes == 1:
        sealer = threading.Thread(target=_sealer, args=(stop, lags))
        sealer.start()
        started = time.perf_counter()
        latencies, errors = _writers(range(writers), user, orgs, started + SECONDS, None)
    else:
        # Fork after closing this process's connections: each child opens its own.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        barrier, queue = context.Barrier(processes + 1), context.Queue()
        stop_at = time.perf_counter() + 5.0 + SECONDS  # CLOCK_MONOTONIC: the same in the children
        children = [
            context.Process(
                target=_child, args=(range(k, writers, processes), user, orgs, stop_at, barrier, queue)
            )
            for k in range(processes)
        ]
        for child in children:
            child.start()
        sealer = threading.Thread(target=_sealer, args=(stop, lags))
        sealer.start()
        barrier.wait()  # every writer of every child is ready
        started = time.perf_counter()
        results = [queue.get() for _ in children]
        for child in children:
            child.join()
        latencies = [ms for r in results for ms in r[0]]
        errors = [e for r in results for e in r[1]]
    elapsed = time.perf_counter() - started
    stop.set()
    sealer.join()
    return {
        "rate": len(latencies) / elapsed,
        "p50": _pct(latencies, 50),
        "p95": _pct(latencies, 95),
        "errors": len(errors),
        "unsealed": lags[0] if lags else 0,
        "first_error": errors[0] if errors else "",
    }


def run(report):
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    orgs = [OrganizationFactory() for _ in range(max(WRITERS))]
    print(f"  load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    rounds = [(w, 1) for w in WRITERS] + [(max(WRITERS), PROCESSES)]
    for writers, processes in rounds:
        if writers > 1 and connection.vendor != "postgresql":
            continue  # SQLite has one writer at a time whatever the trail does
        result = _round(writers, user, orgs, processes)
        name = f"{writers} writer(s)" + (f" in {processes} processes" if processes > 1 else "")
        target = (lambda v: v >= TARGET_32) if writers == 32 else None
        report(f"{name}: audited actions/s", result["rate"], "/s", target=target)
        report(f"{name}: p50 latency", result["p50"], "ms")
        report(f"{name}: p95 latency", result["p95"], "ms")
        report(f"{name}: errors", result["errors"], "errors", target=lambda v: v == 0)
        if result["first_error"]:
            print(f"    first error: {result['first_error'][:300]}")
        report(f"{name}: rows waiting for their seal at the end", result["unsealed"], "rows")
        print(f"    load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    seal = getattr(audit, "seal_pending", None)
    if seal is not None:
        started = time.perf_counter()
        sealed = seal()
        report(f"seal the {sealed:,} rows left", (time.perf_counter() - started) * 1000, "ms")
    result = audit.verify_chain()
    report("trail verified after the writers (1 = yes)", int(result.ok), "", target=lambda v: v == 1)

    # Grow the trail to a realistic size through the same code path, then verify it all.
    remaining = BULK_ROWS - AuditEvent.objects.count()
    chunk = 500
    for start in range(0, max(0, remaining), chunk):
        objs = [("households.household", i) for i in range(start, min(remaining, start + chunk))]
        audit.record_reads(actor=user, objs=objs, sections=["identity"], purpose="bench")
    if seal is not None:
        started = time.perf_counter()
        sealed = seal()
        elapsed = time.perf_counter() - started
        if sealed:
            report(f"seal {sealed:,} rows in one go", sealed / elapsed, "rows/s")
    started = time.perf_counter()
    result = audit.verify_chain()
    elapsed = time.perf_counter() - started
    assert result.ok, result
    report(f"verify-audit over {result.checked:,} rows", elapsed, "s")
    report("verify-audit throughput", result.checked / elapsed, "rows/s")
