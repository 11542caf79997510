"""Small helpers that put data into the real test database, in the shapes production writes."""

from __future__ import annotations

from typing import Any

from modelgraph.domain.graph import Label
from modelgraph.domain.principal import Principal
from modelgraph.store import bulk
from modelgraph.store.db import Database

FACTORY = Principal("factory")


async def create_entities(db: Database, kind: Label, rows: list[dict[str, Any]]) -> list[str]:
    """Create ``kind`` entities through the bulk path (the writers' stamping, kfIds, parent
    edges); a row's ``parentId`` names the parent, other keys override properties."""
    batch = bulk.GraphBatch(actor=FACTORY)
    ids = []
    for row in rows:
        props = dict(row)
        name = props.pop("name")
        ids.append(batch.node(kind, name, props.pop("parentId", None), **props))
    await batch.load(db)
    return ids
