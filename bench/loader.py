"""Loads a generated graph with batched UNWIND writes (store/bulk.py) and measures the rate.

Also records *handles* (ids the workloads start from) and writes a compact JSON-lines dump of
the same graph for the peers (MLflow, ML Metadata), so every system holds identical lineage.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from neo4j import AsyncManagedTransaction
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bench.generator import SIZES, Generator, Unit
from modelgraph.domain.graph import Label
from modelgraph.store import bulk
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

COUNT_GRAPH = query("bench/count_graph")
# Rows buffered before a flush: big enough for full UNWIND chunks of every label.
FLUSH_ROWS = 60_000
# Properties the peers need to rebuild the same lineage (everything else stays in Neo4j).
PEER_KEYS = (
    "id",
    "kind",
    "name",
    "parentId",
    "digest",
    "type",
    "stage",
    "uri",
    "framework",
    "modelType",
)


@dataclass
class Handles:
    """Ids the workloads start from, sampled across the whole graph."""

    raw_datasets: list[str] = field(default_factory=list)
    deployments: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    model_names: list[str] = field(default_factory=list)
    feature_versions: list[str] = field(default_factory=list)
    max_chain_depth: int = 0
    mean_chain_depth: float = 0.0


@dataclass
class LoadReport:
    """What was written and how fast."""

    units: int
    nodes: int
    edges: int
    seconds: float
    nodes_per_s: float
    edges_per_s: float
    by_label: dict[str, int]
    by_edge: dict[str, int]
    handles: Handles

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _Buffer:
    def __init__(self) -> None:
        self.nodes: dict[Label, list[dict[str, Any]]] = {}
        self.edges: dict[bulk.Edge, list[dict[str, Any]]] = {}
        self.rows = 0

    def add(self, unit: Unit) -> None:
        for label, rows in unit.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for edge, rows in unit.edges.items():
            self.edges.setdefault(edge, []).extend(rows)
        self.rows += unit.node_count() + unit.edge_count()


async def _flush(db: Database, buf: _Buffer, clock: dict[str, float]) -> tuple[int, int]:
    # Nodes first: every edge matches both endpoints by id.
    started = time.perf_counter()
    nodes = sum([await bulk.load_nodes(db, label, rows) for label, rows in buf.nodes.items()])
    mid = time.perf_counter()
    edges = sum([await bulk.load_edges(db, edge, rows) for edge, rows in buf.edges.items()])
    clock["nodes"] += mid - started
    clock["edges"] += time.perf_counter() - mid
    return nodes, edges


def _dump(out: IO[str], unit: Unit) -> None:
    for rows in unit.nodes.values():
        for row in rows:
            slim = {k: row[k] for k in PEER_KEYS if k in row}
            slim.update({k: v for k, v in row.items() if k.startswith(("hp.", "m."))})
            out.write(json.dumps({"n": slim}) + "\n")
    for edge, rows in unit.edges.items():
        for row in rows:
            out.write(json.dumps({"e": edge.value, **row}) + "\n")


async def load(
    db: Database,
    units: int,
    seed: int = 42,
    dump_path: Path | None = None,
    progress: bool = True,
    samples: int = 64,
) -> LoadReport:
    """Generate ``units`` units, load them, and return counts, rates and workload handles."""
    gen = Generator(units, seed)
    handles = Handles()
    by_label: Counter[str] = Counter()
    by_edge: Counter[str] = Counter()
    depths: list[int] = []
    clock = {"nodes": 0.0, "edges": 0.0}
    written_nodes = written_edges = 0
    stride = max(1, units // samples)
    buf = _Buffer()
    out = dump_path.open("w", encoding="utf-8") if dump_path else None
    bar = Progress(
        TextColumn("[bold]loading"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} units · {task.fields[rate]}"),
        TimeElapsedColumn(),
        disable=not progress,
    )
    try:
        with bar:
            task = bar.add_task("load", total=units + 1, rate="")
            for index, unit in enumerate(gen):
                for label, rows in unit.nodes.items():
                    by_label[label.value] += len(rows)
                for edge, rows in unit.edges.items():
                    by_edge[edge.value] += len(rows)
                depths.extend(unit.chain_depths)
                if index > 0 and (index - 1) % stride == 0:
                    handles.raw_datasets.extend(unit.raw_datasets[:1])
                    handles.deployments.extend(unit.deployments[:1])
                    handles.models.extend(unit.models[:1])
                    handles.model_names.extend(unit.model_names[:1])
                    handles.feature_versions.extend(unit.feature_versions[:1])
                if out is not None:
                    _dump(out, unit)
                buf.add(unit)
                if buf.rows >= FLUSH_ROWS:
                    n, e = await _flush(db, buf, clock)
                    written_nodes, written_edges = written_nodes + n, written_edges + e
                    buf = _Buffer()
                    spent = clock["nodes"] + clock["edges"]
                    rate = f"{(written_nodes + written_edges) / spent:,.0f} rows/s" if spent else ""
                    bar.update(task, rate=rate)
                bar.advance(task)
            n, e = await _flush(db, buf, clock)
            written_nodes, written_edges = written_nodes + n, written_edges + e
    finally:
        if out is not None:
            out.close()
    handles.max_chain_depth = max(depths, default=0)
    handles.mean_chain_depth = round(sum(depths) / len(depths), 2) if depths else 0.0
    seconds = clock["nodes"] + clock["edges"]
    return LoadReport(
        units=units,
        nodes=written_nodes,
        edges=written_edges,
        seconds=round(seconds, 3),
        nodes_per_s=round(written_nodes / clock["nodes"], 1) if clock["nodes"] else 0.0,
        edges_per_s=round(written_edges / clock["edges"], 1) if clock["edges"] else 0.0,
        by_label=dict(by_label),
        by_edge=dict(by_edge),
        handles=handles,
    )


async def graph_counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per kind label and relationships per type, as stored in Neo4j."""

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await db.fetch(tx, "bench/count_graph", COUNT_GRAPH)

    rows = await db.read(work)
    nodes = {r["key"]: int(r["total"]) for r in rows if r["what"] == "node"}
    edges = {r["key"]: int(r["total"]) for r in rows if r["what"] == "edge"}
    return nodes, edges


def units_for(size: str) -> int:
    """Units of a size preset (``tiny``, ``small``, ``medium``, ``large``)."""
    return SIZES[size]
