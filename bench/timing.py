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
