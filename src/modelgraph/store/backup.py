"""Online backup and restore of the whole graph as gzip JSON lines (docs/backup-format.md).

A backup streams every node and relationship from one read transaction into
``<path>.partial`` and renames it when complete. Neo4j Community isolates reads only as
read-committed, so the export checks that nothing committed while it ran: the fingerprint
(counts per label and type, write stamps, sequence values) read at its start inside the
transaction must equal the one read after it; otherwise it starts over (bounded tries).

A restore writes batches of nodes and then relationships with ``UNWIND``, finds endpoints by
the source's element id (a temporary ``:_Restoring`` label and index), and verifies the
counts in the header. Ids, kfIds and every other property come back unchanged.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j import time as neo4j_time
from neo4j.exceptions import DriverError, Neo4jError

from modelgraph.domain.errors import FailedPrecondition, Invalid, ModelGraphError
from modelgraph.domain.ids import now_ms
from modelgraph.store import admin, migrations
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

FORMAT = "modelgraph-backup"
VERSION = 1
BATCH = 2_000
DEFAULT_TRIES = 5
# An export of a large graph outlives the request-sized default transaction timeout.
EXPORT_TIMEOUT_S = 3_600.0
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_COUNTS = query("backup/counts")
_EXPORT_NODES = query("backup/export_nodes")
_EXPORT_RELATIONSHIPS = query("backup/export_relationships")
_SERVER_VERSION = query("backup/server_version")
_CREATE_KEY_INDEX = query("backup/create_key_index")
_AWAIT_KEY_INDEX = query("backup/await_key_index")
_DROP_KEY_INDEX = query("backup/drop_key_index")
_RESTORE_NODES = query("backup/restore_nodes")
_RESTORE_RELATIONSHIPS = query("backup/restore_relationships")
_FINISH = query("backup/finish")
_DISCARD_PARTIAL = query("backup/discard_partial")


class GraphChanged(FailedPrecondition):
    """Writes kept committing during every export attempt."""


@dataclass(frozen=True)
class Counts:
    """What a graph holds: nodes per label, relationships per type, totals, write stamps."""

    nodes: int = 0
    relationships: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)
    stamps: tuple[int, int] = (0, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "relationships": self.relationships,
            "labels": dict(sorted(self.labels.items())),
            "types": dict(sorted(self.types.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Counts:
        return cls(
            nodes=int(data["nodes"]),
            relationships=int(data["relationships"]),
            labels={str(k): int(v) for k, v in data["labels"].items()},
            types={str(k): int(v) for k, v in data["types"].items()},
        )

    def same_graph(self, other: Counts) -> bool:
        """Equal counts (stamps ignored: a restore does not compare write stamps)."""
        return self.to_json() == other.to_json()


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote."""

    path: Path
    counts: Counts
    attempts: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    """What a restore wrote."""

    counts: Counts
    replaced: bool


def _encode(value: Any) -> Any:
    """A property value as JSON; the types JSON lacks become one-key tagged objects."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, neo4j_time.DateTime | neo4j_time.Date | neo4j_time.Time):
        return {"$" + type(value).__name__: value.iso_format()}
    raise Invalid(f"cannot back up a property of type {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) != 1:
            raise Invalid("a tagged property value has exactly one key")
        ((tag, raw),) = value.items()
        if tag == "$bytes":
            return base64.b64decode(raw)
        if tag == "$DateTime":
            return neo4j_time.DateTime.from_iso_format(raw)
        if tag == "$Date":
            return neo4j_time.Date.from_iso_format(raw)
        if tag == "$Time":
            return neo4j_time.Time.from_iso_format(raw)
        raise Invalid(f"unknown tagged property value {tag!r}")
    return value


def _props(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: _encode(value) for key, value in raw.items()}


async def _counts(db: Database, tx: AsyncManagedTransaction) -> Counts:
    rows = await db.fetch(tx, "backup/counts", _COUNTS)
    labels = {r["key"]: int(r["total"]) for r in rows if r["what"] == "label"}
    types = {r["key"]: int(r["total"]) for r in rows if r["what"] == "type"}
    totals = {r["what"]: int(r["total"] or 0) for r in rows if not r["key"]}
    return Counts(
        nodes=totals["nodes"],
        relationships=totals["relationships"],
        labels=labels,
        types=types,
        stamps=(totals["stamps"], totals["edge_stamps"]),
    )


async def graph_counts(db: Database) -> Counts:
    """The graph's counts and write fingerprint, read now."""

    async def work(tx: AsyncManagedTransaction) -> Counts:
        return await _counts(db, tx)

    return await db.read(work)


def _write(out: gzip.GzipFile, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, separators=(",", ":")).encode() + b"\n")


async def backup(db: Database, path: Path, tries: int = DEFAULT_TRIES) -> BackupReport:
    """Write the whole graph to ``path`` (gzip JSON lines) from one consistent read."""
    exporter = Database(db.driver, db.database, tx_timeout=EXPORT_TIMEOUT_S)
    applied = (await migrations.status(db)).applied
    partial = path.with_name(path.name + ".partial")

    async def export(tx: AsyncManagedTransaction) -> Counts:
        # Managed transactions may be retried: each attempt rewrites the file from the start.
        before = await _counts(exporter, tx)
        server = await exporter.fetch_one(tx, "backup/server_version", _SERVER_VERSION)
        with gzip.open(partial, "wb", compresslevel=6) as out:
            _write(
                out,
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "createdAt": now_ms(),
                    "database": db.database,
                    "neo4j": f"{server['version']} {server['edition']}" if server else None,
                    "migrations": applied,
                    "counts": before.to_json(),
                },
            )
            nodes = relationships = 0
            exporter.round_trips.add("backup/export_nodes")
            async for record in await tx.run(_EXPORT_NODES):
                labels, props = record["labels"], _props(record["props"])
                _write(out, {"node": record["key"], "labels": labels, "props": props})
                nodes += 1
            exporter.round_trips.add("backup/export_relationships")
            async for record in await tx.run(_EXPORT_RELATIONSHIPS):
                _write(
                    out,
                    {
                        "rel": record["type"],
                        "start": record["start"],
                        "end": record["end"],
                        "props": _props(record["props"]),
                    },
                )
                relationships += 1
            _write(out, {"end": True, "nodes": nodes, "relationships": relationships})
        return before

    try:
        for attempt in range(1, tries + 1):
            before = await exporter.read(export)
            after = await graph_counts(exporter)
            if before == after:
                size = await asyncio.to_thread(_publish, partial, path)
                return BackupReport(path, before, attempt, size)
        raise GraphChanged(
            f"the graph changed during each of {tries} export attempts; "
            "try again when writes are quieter"
        )
    finally:
        partial.unlink(missing_ok=True)


def _publish(partial: Path, path: Path) -> int:
    os.replace(partial, path)
    return path.stat().st_size


@dataclass(frozen=True)
class Header:
    """The first line of a backup file."""

    created_at: int
    database: str
    migrations: list[str]
    counts: Counts


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with gzip.open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    raise Invalid(f"{path}: line {number} is not JSON") from exc
                if not isinstance(record, dict):
                    raise Invalid(f"{path}: line {number} is not a JSON object")
                yield record
    except (OSError, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise Invalid(f"{path}: no such file") from exc
        raise Invalid(f"{path}: not a readable gzip file ({exc})") from exc


def read_header(path: Path) -> Header:
    """Check the format and version of a backup file and return its header."""
    record = next(_lines(path), None)
    if record is None or record.get("format") != FORMAT:
        raise Invalid(f"{path}: not a ModelGraph backup (no {FORMAT!r} header)")
    if record.get("version") != VERSION:
        raise Invalid(f"{path}: backup format version {record.get('version')!r}; need {VERSION}")
    try:
        return Header(
            created_at=int(record["createdAt"]),
            database=str(record["database"]),
            migrations=[str(m) for m in record["migrations"]],
            counts=Counts.from_json(record["counts"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Invalid(f"{path}: malformed header ({exc})") from exc


def _identifiers(values: Any, what: str) -> list[str]:
    names = values if isinstance(values, list) else [values]
    if not all(isinstance(n, str) and _IDENTIFIER.match(n) for n in names):
        raise Invalid(f"backup names an invalid {what}: {values!r}")
    return names


async def _write_batch(db: Database, name: str, text: LiteralString, rows: list[Any]) -> None:
    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, name, text, rows=rows)
        return int(row["written"]) if row else 0

    written = await db.write(work)
    if written != len(rows):
        raise Invalid(f"{name}: {len(rows) - written} of {len(rows)} rows matched no node")


async def _auto_commit(db: Database, name: str, text: LiteralString) -> None:
    # Schema commands and CALL { } IN TRANSACTIONS cannot run in a managed transaction.
    async with db.driver.session(database=db.database) as session:
        db.round_trips.add(name)
        await (await session.run(text)).consume()


async def _load(db: Database, path: Path) -> tuple[int, int]:
    nodes: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    footer: dict[str, Any] | None = None
    seen_nodes = seen_relationships = 0
    records = _lines(path)
    next(records)  # the header, checked by read_header
    for record in records:
        if footer is not None:
            raise Invalid(f"{path}: data after the end record")
        if "node" in record:
            if relationships or seen_relationships:
                raise Invalid(f"{path}: a node after the relationships")
            props = {k: _decode(v) for k, v in dict(record["props"]).items()}
            labels = _identifiers(record["labels"], "label")
            nodes.append({"key": str(record["node"]), "labels": labels, "props": props})
            seen_nodes += 1
            if len(nodes) >= BATCH:
                await _write_batch(db, "backup/restore_nodes", _RESTORE_NODES, nodes)
                nodes = []
        elif "rel" in record:
            if nodes:
                await _write_batch(db, "backup/restore_nodes", _RESTORE_NODES, nodes)
                nodes = []
            relationships.append(
                {
                    "type": _identifiers(record["rel"], "relationship type")[0],
                    "start": str(record["start"]),
                    "end": str(record["end"]),
                    "props": {k: _decode(v) for k, v in dict(record["props"]).items()},
                }
            )
            seen_relationships += 1
            if len(relationships) >= BATCH:
                await _write_batch(
                    db, "backup/restore_relationships", _RESTORE_RELATIONSHIPS, relationships
                )
                relationships = []
        elif record.get("end") is True:
            footer = record
        else:
            raise Invalid(f"{path}: unknown record {sorted(record)[:3]}")
    if nodes:
        await _write_batch(db, "backup/restore_nodes", _RESTORE_NODES, nodes)
    if relationships:
        await _write_batch(
            db, "backup/restore_relationships", _RESTORE_RELATIONSHIPS, relationships
        )
    if footer is None:
        raise Invalid(f"{path}: truncated (no end record)")
    if (footer.get("nodes"), footer.get("relationships")) != (seen_nodes, seen_relationships):
        raise Invalid(f"{path}: the end record's counts do not match the records")
    return seen_nodes, seen_relationships


async def restore(db: Database, path: Path, *, replace: bool = False) -> RestoreReport:
    """Load a backup into an empty graph (``replace`` clears a non-empty one first).

    The target is migrated first (its schema comes from this code); the backup's migration
    records must all be known to it. Counts are verified against the header at the end.
    """
    header = read_header(path)
    known = {f.name for f in migrations.load_files()}
    unknown = [m for m in header.migrations if m not in known]
    if unknown:
        raise FailedPrecondition(
            f"the backup was taken with schema files this version lacks: {', '.join(unknown)}"
        )
    await migrations.migrate(db)
    if await admin.count_nodes(db):
        if not replace:
            raise FailedPrecondition(
                "the database is not empty; restore refuses to merge into it (use --replace "
                "to delete the current graph first)"
            )
        await admin.clear_graph(db)
    await _auto_commit(db, "backup/create_key_index", _CREATE_KEY_INDEX)
    await _auto_commit(db, "backup/await_key_index", _AWAIT_KEY_INDEX)
    try:
        await _load(db, path)
        await _auto_commit(db, "backup/finish", _FINISH)
    except BaseException:
        with contextlib.suppress(ModelGraphError, OSError, Neo4jError, DriverError):
            await _auto_commit(db, "backup/discard_partial", _DISCARD_PARTIAL)
        raise
    finally:
        await _auto_commit(db, "backup/drop_key_index", _DROP_KEY_INDEX)
    restored = await graph_counts(db)
    if not restored.same_graph(header.counts):
        raise FailedPrecondition(
            f"restored counts differ from the backup's: {restored.to_json()} "
            f"!= {header.counts.to_json()}"
        )
    return RestoreReport(restored, replaced=replace)
