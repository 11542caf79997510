"""Background refresh of gauges that need a query (entity counts), never per scrape."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from neo4j import AsyncManagedTransaction

from modelgraph import periodic
from modelgraph.observability import metrics
from modelgraph.settings import Settings
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

_COUNTS = query("events/entity_counts")


async def refresh_entity_counts(db: Database) -> int:
    """Set the entity gauges from one count query; returns how many series were set."""

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, object]]:
        return await db.fetch(tx, "events/entity_counts", _COUNTS)

    rows = await db.read(work)
    metrics.ENTITIES.clear()
    for row in rows:
        metrics.ENTITIES.labels(str(row["kind"]), str(row["state"])).set(float(str(row["count"])))
    return len(rows)


def running(db: Database, settings: Settings) -> AbstractAsyncContextManager[None]:
    """Refresh the gauges every ``metrics_refresh_interval`` seconds while the block runs."""
    return periodic.every(
        settings.metrics_refresh_interval,
        lambda: refresh_entity_counts(db),
        name="entity count refresh",
    )
