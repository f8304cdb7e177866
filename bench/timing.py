"""Timing helpers shared by the benchmarks: percentiles of samples and a timed loop that reports them."""

import statistics
import time
from collections.abc import Callable


def percentile(samples, q: int) -> float:
    """The q-th percentile (1–99) of the samples, interpolated between the two nearest (inclusive)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def timed(
    report, name: str, fn: Callable[[], object], *, samples: int, target: float, warmup: int = 5
) -> list[float]:
    """Call `fn` `warmup` times unmeasured, then `samples` times; report p50 and p95 in ms (the p95
    against `target`) and return the times."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    report(f"{name}: p50", percentile(times, 50), "ms")
    report(f"{name}: p95", percentile(times, 95), "ms", target=lambda v: v <= target)
    return times


def _yardstick_workload(n: int = 600_000) -> int:
    """A fixed mix of what a page does in Python: dict look-ups and updates, str building, int
    arithmetic, a list appended to and joined. NEVER change it: its time is the unit that scales the
    figures of one day to another's."""
    table: dict[str, int] = {}
    words = []
    total = 0
    for i in range(n):
        key = "k" + str(i % 997)
        table[key] = table.get(key, 0) + (i * 31) % 17
        if i % 3 == 0:
            words.append(key.upper())
        total += len(key) * (i & 7)
    return total + sum(table.values()) + len("-".join(words))


def yardstick(repeat: int = 5) -> float:
    """The machine's speed for pure Python today: the CPU milliseconds of a fixed workload on this
    thread, best of `repeat` (a neighbour's process can only make a run slower, never faster). A
    figure of another day is scaled by the ratio of the two days' yardsticks; 250–270 ms on the
    2-core machine of 2026-12-07 (where `python -m timeit "sum(range(10**6))"` gives 17.4 ms)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.thread_time()
        _yardstick_workload()
        best = min(best, time.thread_time() - started)
    return best * 1000
