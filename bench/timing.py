"""Timing helpers shared by the benchmarks: repeated runs in milliseconds, median and 95th percentile."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Run ``fn`` ``runs`` times; the wall time of each run in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), p95(samples)


def describe(samples: list[float]) -> str:
    return f"median {statistics.median(samples):8.2f} ms   p95 {p95(samples):8.2f} ms   (n={len(samples)})"
