"""Small helpers that put data into the real test database."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.graph import Label
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

_CREATE_ENTITIES = query("testing/create_entities")


async def create_entities(db: Database, kind: Label, rows: list[dict[str, Any]]) -> list[str]:
    """Create bare ``kind`` entities with common fields defaulted; returns their ids."""
    base = now_ms()
    full = []
    for index, row in enumerate(rows):
        item = {
            "id": new_id(),
            "state": "LIVE",
            "tags": [],
            "createdAt": base + index,
            "updatedAt": base + index,
        }
        item.update(row)
        full.append(item)

    async def work(tx: AsyncManagedTransaction) -> None:
        await db.fetch(tx, "testing/create_entities", _CREATE_ENTITIES, kind=kind.value, rows=full)

    await db.write(work)
    return [item["id"] for item in full]
