"""Shared by the peer scripts, which run in their own virtualenvs: standard library only."""

from __future__ import annotations

import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Dump:
    """The synthetic lineage as written by bench/loader.py (nodes by id, edges by type)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, path: Path) -> Dump:
        dump = cls()
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if "n" in row:
                    dump.nodes[row["n"]["id"]] = row["n"]
                else:
                    dump.edges[row.pop("e")].append(row)
        return dump

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [n for n in self.nodes.values() if n["kind"] == kind]

    def downstream(self, starts: list[str]) -> set[str]:
        """Ids reachable forwards over CONSUMED_BY / PRODUCED (what a peer is told for free)."""
        out: dict[str, list[str]] = defaultdict(list)
        for kind in ("CONSUMED_BY", "PRODUCED"):
            for e in self.edges[kind]:
                out[e["source"]].append(e["target"])
        seen, todo = set(starts), list(starts)
        while todo:
            for nxt in out[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def children(self, parent_id: str) -> list[str]:
        return [e["target"] for e in self.edges["HAS_VERSION"] if e["source"] == parent_id]


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (same definition as bench/measure.py)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def time_calls(call: Callable[[int], Any], requests: int, warmup: int = 3) -> dict[str, Any]:
    """Sequential (concurrency 1) latency figures of ``call(i)``, in ms."""
    for i in range(warmup):
        call(requests + i)
    ms: list[float] = []
    sizes: list[int] = []
    began = time.perf_counter()
    for i in range(requests):
        started = time.perf_counter()
        answer = call(i)
        ms.append((time.perf_counter() - started) * 1000)
        if isinstance(answer, int):
            sizes.append(answer)
    wall = time.perf_counter() - began
    ms.sort()
    return {
        "requests": requests,
        "concurrency": 1,
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(sum(ms) / len(ms), 3),
        "throughput_rps": round(requests / wall, 1),
        "mean_answer_size": round(sum(sizes) / len(sizes), 1) if sizes else None,
    }


def emit(result: dict[str, Any]) -> None:
    """The JSON answer on stdout's last line (progress goes to stderr)."""
    sys.stdout.write(json.dumps(result) + "\n")


def log(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
