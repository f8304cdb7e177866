"""The audit trail: every named read appends a chained row, so its cost is on every page.

Measures appends per second from one client and from 16 concurrent clients (the chain head is
locked while appending, so this is the serialization point), and the time verify-audit takes.
"""

import statistics
import threading
import time

from django.db import connection, connections

from parcours.core import audit
from parcours.core.models import AuditEvent
from tests.factories import MembershipFactory

SINGLE = 3000
CLIENTS = 16
PER_CLIENT = 300
BULK_ROWS = 100_000


def _p95(samples):
    return statistics.quantiles(samples, n=100)[94]


def run(report):
    membership = MembershipFactory()
    user = membership.user
    user.active_membership = membership
    org = membership.organization

    latencies = []
    started = time.perf_counter()
    for i in range(SINGLE):
        t = time.perf_counter()
        audit.record_read(actor=user, obj=("households.household", i), sections=["identity"], purpose="bench")
        latencies.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    report("append, 1 client: rows/s", SINGLE / elapsed, "rows/s")
    report("append, 1 client: p95 latency", _p95(latencies), "ms")

    if connection.vendor == "postgresql":
        errors, lat = [], []
        lock = threading.Lock()

        def client():
            local = []
            try:
                for _ in range(PER_CLIENT):
                    t = time.perf_counter()
                    audit.record_write(actor=user, action="bench.write", obj=org, fields=["name"])
                    local.append((time.perf_counter() - t) * 1000)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                connections.close_all()
            with lock:
                lat.extend(local)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - started
        report(f"append, {CLIENTS} concurrent clients: rows/s", CLIENTS * PER_CLIENT / elapsed, "rows/s")
        report(f"append, {CLIENTS} concurrent clients: p95 latency", _p95(lat), "ms")
        report("append, concurrent: errors", len(errors), "errors", target=lambda v: v == 0)

    # Grow the trail to a realistic size through the same code path, then verify it all.
    remaining = BULK_ROWS - AuditEvent.objects.count()
    for i in range(max(0, remaining)):
        audit.record_read(actor=user, obj=("households.household", i), sections=["identity"], purpose="bench")
    started = time.perf_counter()
    result = audit.verify_chain()
    elapsed = time.perf_counter() - started
    assert result.ok, result
    report(f"verify-audit over {result.checked:,} rows", elapsed, "s")
    report("verify-audit throughput", result.checked / elapsed, "rows/s")
