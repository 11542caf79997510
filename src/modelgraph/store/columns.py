"""Column-level lineage: field nodes of dataset versions and the DERIVES_FROM edges between them.

``derive_tx`` is the one writer of ``(:DatasetVersion)-[:HAS_FIELD]->(:DatasetField)`` and
``(:DatasetField)-[:DERIVES_FROM {runId, transformations}]->(:DatasetField)`` (derived column to
the column it is computed from, as OpenLineage's columnLineage facet says it); the readers walk
them either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import RecordKind, check_name
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_DERIVE = query("openlineage/derive_fields")
_UPSTREAM = query("openlineage/column_lineage_upstream")
_DOWNSTREAM = query("openlineage/column_lineage_downstream")
_OF_VERSIONS = query("openlineage/column_edges_of_versions")

MAX_EDGES = 5_000


class ColumnDirection(StrEnum):
    """Which way to walk from a column: to its sources or to what is computed from it."""

    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"


@dataclass(frozen=True)
class ColumnLink:
    """One DERIVES_FROM edge, both ends named."""

    dataset: str
    version: str
    version_id: str
    field: str
    source_dataset: str
    source_version: str
    source_version_id: str
    source_field: str
    run_id: str
    execution_id: str | None
    transformations: list[dict[str, Any]]


def _link(row: Record) -> ColumnLink:
    return ColumnLink(
        dataset=row["dataset"],
        version=row["version"],
        version_id=row["versionId"],
        field=row["field"],
        source_dataset=row["sourceDataset"],
        source_version=row["sourceVersion"],
        source_version_id=row["sourceVersionId"],
        source_field=row["sourceField"],
        run_id=row["runId"],
        execution_id=row["executionId"],
        transformations=json.loads(row["transformations"] or "[]"),
    )


async def derive_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    fields: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> None:
    """Write field nodes ``{versionId, name, type}`` and edges ``{outVersionId, outField,
    inVersionId, inField, runId, transformations}``; both are merged, so replays add nothing."""
    if not fields and not edges:
        return
    for f in fields:
        check_name(f["name"], "schema.fields.name")
    await db.fetch(
        tx,
        "openlineage/derive_fields",
        _DERIVE,
        fields=[{**f, "id": new_id()} for f in fields],
        edges=edges,
        kind=RecordKind.DATASET_FIELD.value,
        at=now_ms(),
    )


async def column_lineage(
    db: Database,
    dataset: str,
    field: str,
    direction: ColumnDirection,
    *,
    version: str | None = None,
    first: int = 1_000,
) -> list[ColumnLink]:
    """DERIVES_FROM edges reachable from ``dataset.field``: at most 10 steps, ``first`` edges."""
    if not 1 <= first <= MAX_EDGES:
        raise Invalid(f"first is 1-{MAX_EDGES}", field="first", limit=MAX_EDGES)
    name, text = (
        ("openlineage/column_lineage_upstream", _UPSTREAM)
        if direction is ColumnDirection.UPSTREAM
        else ("openlineage/column_lineage_downstream", _DOWNSTREAM)
    )

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(
            tx, name, text, dataset=dataset, field=field, version=version, first=first
        )

    return [_link(row) for row in await db.read(work)]


async def edges_of_versions(
    db: Database, version_ids: list[str], first: int = MAX_EDGES
) -> list[ColumnLink]:
    """Column edges whose derived column belongs to one of ``version_ids``."""
    if not version_ids:
        return []

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(
            tx,
            "openlineage/column_edges_of_versions",
            _OF_VERSIONS,
            versionIds=version_ids,
            first=first,
        )

    return [_link(row) for row in await db.read(work)]
