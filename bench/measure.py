"""Latency percentiles and throughput of an async call run N times at a fixed concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

Call = Callable[[int], Awaitable[None]]


@dataclass
class Stats:
    """Figures of one (workload, system, concurrency) measurement; latencies in ms."""

    requests: int
    concurrency: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    throughput_rps: float
    first_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(
    latencies: list[float], concurrency: int, wall: float, errors: int, first_error: str | None
) -> Stats:
    """Stats from per-request latencies (seconds) and the wall time of the whole run."""
    ms = sorted(x * 1000 for x in latencies)
    count = len(ms)
    return Stats(
        requests=count,
        concurrency=concurrency,
        errors=errors,
        p50_ms=round(percentile(ms, 50), 3),
        p95_ms=round(percentile(ms, 95), 3),
        p99_ms=round(percentile(ms, 99), 3),
        mean_ms=round(sum(ms) / count, 3) if count else math.nan,
        max_ms=round(ms[-1], 3) if ms else math.nan,
        throughput_rps=round(count / wall, 1) if wall > 0 else math.nan,
        first_error=first_error,
    )


async def run(
    call: Call,
    requests: int,
    concurrency: int,
    warmup: int = 0,
    offset: int = 0,
    max_errors: int | None = None,
) -> Stats:
    """Call ``call(i)`` for i in ``offset .. offset+requests`` with ``concurrency`` workers.

    ``warmup`` calls run first, untimed (plan caches, connection pools, JIT). After
    ``max_errors`` failures the run stops early (a workload that times out stays bounded).
    """
    for i in range(warmup):
        with contextlib.suppress(Exception):  # a failing warm-up call shows up in the run itself
            await call(offset + requests + i)
    latencies: list[float] = []
    errors = 0
    first_error: str | None = None
    counter = iter(range(offset, offset + requests))

    async def worker() -> None:
        nonlocal errors, first_error
        for i in counter:
            started = time.perf_counter()
            try:
                await call(i)
            except Exception as exc:  # a failed request is counted and reported, not fatal
                errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"[:500]
                if max_errors is not None and errors >= max_errors:
                    return
                continue
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - began
    return summarize(latencies, concurrency, wall, errors, first_error)
