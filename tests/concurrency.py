"""Racing clients for the PostgreSQL concurrency tests."""

import threading

from django.db import connections


def race(attempts) -> list[str]:
    """Run the callables at the same instant, each in its own thread (its own connection); return
    what each answered: a status code for the API, "ok"/"conflict" for a service, or "error: …"."""
    barrier = threading.Barrier(len(attempts), timeout=60)
    results, lock = [], threading.Lock()

    def run(attempt):
        try:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                outcome = "error: a client could not start"
            else:
                try:
                    outcome = attempt()
                except Exception as exc:  # noqa: BLE001  (reported and failing the test below)
                    outcome = f"error: {type(exc).__name__}: {exc}"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == len(attempts), "a client hung"
    return results
