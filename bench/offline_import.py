"""Offline initial import: the generated graph as CSV, built by ``neo4j-admin database import
full`` from the launcher's own jars (``neo4j_local.dump.import_csv``) into a Neo4j home of its
own, then started, migrated and counted.

For migrations of millions of runs, where the online path (store/bulk.py, one transaction per
chunk) is too slow. The files carry what the writers would have stamped: each node its Kubeflow
id and its created event (``_Event`` with a gap-free ``seq``), plus both sequence nodes, so the
imported graph keeps "no change without its event". What it does not do: the Kubeflow serve
fields bulk/edges_deployed_as stamps on DEPLOYED_AS edges.

    python -m bench.offline_import --size medium
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import shutil
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import IO, Any

from bench.generator import Generator
from bench.loader import graph_counts, units_for
from bench.service import STATE_DIR, free_port
from modelgraph.domain import events as event_types
from modelgraph.domain.graph import Label
from modelgraph.neo4j_local import dump, launcher
from modelgraph.settings import Settings
from modelgraph.store import events, migrations
from modelgraph.store.db import Database, make_driver

ARRAY_DELIMITER = ";"
_SCALAR = {bool: "boolean", int: "long", float: "double", str: "string"}
_ENTITY = "Entity"  # the label every registry node carries (domain/graph.py)
_EVENT = "_Event"


def _type_of(value: Any) -> str | None:
    if isinstance(value, list):
        inner = {_SCALAR[type(v)] for v in value}
        if not inner:
            return None
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    return _SCALAR[type(value)]


def _merge(old: str | None, new: str | None) -> str | None:
    if old is None or old == new:
        return new
    if new is None:
        return old
    if {old, new} == {"long", "double"}:
        return "double"
    return "string[]" if old.endswith("[]") else "string"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        if any(ARRAY_DELIMITER in str(v) for v in value):
            raise ValueError(f"list value holds the array delimiter: {value!r}")
        return ARRAY_DELIMITER.join(
            str(v).lower() if isinstance(v, bool) else str(v) for v in value
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _Table:
    """One CSV file with a header known up front (from the first pass)."""

    def __init__(self, path: Path, fixed: list[str], columns: dict[str, str | None]) -> None:
        self.path = path
        self.keys = sorted(k for k, t in columns.items() if t is not None)
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(fixed + [f"{k}:{columns[k]}" for k in self.keys])
        self.rows = 0

    def write(self, fixed: list[Any], row: dict[str, Any]) -> None:
        self.writer.writerow(fixed + [_cell(row.get(k)) for k in self.keys])
        self.rows += 1

    def close(self) -> None:
        self.handle.close()


def _schema(units: int, seed: int) -> tuple[dict[Label, dict[str, str | None]], dict[str, Any]]:
    """First pass: every property and its type per label and per relationship type."""
    nodes: dict[Label, dict[str, str | None]] = {}
    edges: dict[str, dict[str, str | None]] = {}
    for unit in Generator(units, seed):
        for label, rows in unit.nodes.items():
            cols = nodes.setdefault(label, {})
            for row in rows:
                for key, value in row.items():
                    if key not in ("id", "kind") and value is not None:
                        cols[key] = _merge(cols.get(key), _type_of(value))
        for edge, rows in unit.edges.items():
            cols = edges.setdefault(edge.value, {})
            for row in rows:
                for key, value in row.items():
                    if key not in ("source", "target") and value is not None:
                        cols[key] = _merge(cols.get(key), _type_of(value))
    return nodes, edges


def _event_rows(
    kind: Label, row: dict[str, Any], seq: int, at: int
) -> tuple[list[Any], dict[str, Any]]:
    event = {
        "seq": seq,
        "type": event_types.created_event(kind).value,
        "entityId": row["id"],
        "entityKind": kind.value,
        "scopeIds": events.scope_of(row),
        "principal": row.get("author") or "anonymous",
        "at": at,
        "payload": events.encode_payload({"name": row.get("name")}),
    }
    return [str(uuid.uuid4()), _EVENT], event


_EVENT_COLUMNS: dict[str, str | None] = {
    "seq": "long",
    "type": "string",
    "entityId": "string",
    "entityKind": "string",
    "scopeIds": "string[]",
    "principal": "string",
    "at": "long",
    "payload": "string",
}


def write_csv(units: int, seed: int, out: Path) -> dict[str, Any]:
    """Second pass: node, event and relationship files; returns paths and counts."""
    out.mkdir(parents=True, exist_ok=True)
    node_cols, edge_cols = _schema(units, seed)
    tables = {
        label: _Table(
            out / f"nodes-{label.value}.csv",
            ["id:ID", ":LABEL", "kind", "kfId:long", "kfParentId:long"],
            cols,
        )
        for label, cols in node_cols.items()
    }
    event_table = _Table(out / "events.csv", ["id:ID", ":LABEL"], _EVENT_COLUMNS)
    rels = {
        name: _Table(out / f"rels-{name}.csv", [":START_ID", ":END_ID", ":TYPE"], cols)
        for name, cols in edge_cols.items()
    }
    by_label: Counter[str] = Counter()
    by_edge: Counter[str] = Counter()
    kf_id = seq = 0
    kf_of: dict[str, int] = {}
    at = int(time.time() * 1000)
    try:
        for unit in Generator(units, seed):
            for label, rows in unit.nodes.items():
                for row in rows:
                    kf_id += 1
                    seq += 1
                    kf_of[row["id"]] = kf_id
                    # As create_tx stamps it (a parent generated later is left to migrate).
                    parent = kf_of.get(row.get("parentId") or "")
                    tables[label].write(
                        [row["id"], f"{_ENTITY};{label.value}", label.value, kf_id, _cell(parent)],
                        row,
                    )
                    event_table.write(*_event_rows(label, row, seq, at))
                by_label[label.value] += len(rows)
            for edge, rows in unit.edges.items():
                for row in rows:
                    rels[edge.value].write([row["source"], row["target"], edge.value], row)
                by_edge[edge.value] += len(rows)
        # The two sequences continue where the import stopped.
        sequences = out / "sequences.csv"
        with sequences.open("w", encoding="utf-8", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(["id:ID", ":LABEL", "name", "value:long"])
            w.writerow(["seq-ids", "_KubeflowSequence", "ids", kf_id])
            w.writerow(["seq-events", "_EventSequence", "events", seq])
    finally:
        for t in [*tables.values(), event_table, *rels.values()]:
            t.close()
    return {
        "nodes": [t.path for t in tables.values()] + [event_table.path, sequences],
        "relationships": [t.path for t in rels.values()],
        "by_label": dict(by_label),
        "by_edge": dict(by_edge),
        "events": seq,
    }


async def _check(uri: str) -> dict[str, Any]:
    settings = Settings(neo4j_uri=uri, _env_file=None)
    driver = make_driver(settings)
    db = Database(driver, settings.neo4j_database)
    try:
        started = time.perf_counter()
        await migrations.migrate(db)
        migrate_s = time.perf_counter() - started
        nodes, edges = await graph_counts(db)
        return {
            "migrate_seconds": round(migrate_s, 1),
            "by_label": nodes,
            "by_edge": edges,
            "event_head": await events.head(db),
        }
    finally:
        await driver.close()


def run(units: int, seed: int, home: Path | None = None) -> dict[str, Any]:
    """:func:`run_async` outside an event loop."""
    return asyncio.run(run_async(units, seed, home))


async def run_async(units: int, seed: int, home: Path | None = None) -> dict[str, Any]:
    """Write the CSV, import it offline, start the server, migrate and count; rates in the dict.

    The steps block (files, neo4j-admin, the launcher): nothing else runs meanwhile."""
    home = home or STATE_DIR / "import-home"
    work = home.parent / f"import-csv-{units}"
    started = time.perf_counter()
    files = write_csv(units, seed, work)
    csv_s = time.perf_counter() - started
    launcher.stop(home=home)
    started = time.perf_counter()
    try:
        dump.import_csv(files["nodes"], files["relationships"], home=home)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    import_s = time.perf_counter() - started
    nodes, edges = sum(files["by_label"].values()), sum(files["by_edge"].values())
    info = launcher.start(home=home, port=free_port(), password=None)
    try:
        checked = await _check(info.uri)
    finally:
        launcher.stop(home=home)
    return {
        "units": units,
        "nodes": nodes,
        "events": files["events"],
        "edges": edges,
        "csv_seconds": round(csv_s, 1),
        "import_seconds": round(import_s, 1),
        # Entity nodes per second of the neo4j-admin run (its events and edges ride along).
        "nodes_per_s": round(nodes / import_s, 1),
        "rows_per_s": round((nodes + files["events"] + edges) / import_s, 1),
        "nodes_per_s_with_csv": round(nodes / (import_s + csv_s), 1),
        "counts_match": checked["by_label"] == files["by_label"]
        and checked["by_edge"] == files["by_edge"]
        and checked["event_head"] == files["events"],
        "migrate_seconds": checked["migrate_seconds"],
        "imported": checked,
        "generated": {k: files[k] for k in ("by_label", "by_edge", "events")},
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.offline_import``: prints the figures as JSON."""
    parser = argparse.ArgumentParser(prog="bench.offline_import", description=__doc__)
    parser.add_argument("--size", default="small", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(json.dumps(run(units_for(args.size), args.seed), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
