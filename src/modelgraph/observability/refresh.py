"""Background refresh of gauges that need a query (entity counts), never per scrape."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import ModelGraphError
from modelgraph.observability import metrics
from modelgraph.settings import Settings
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

log = logging.getLogger(__name__)
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


async def _loop(db: Database, every: float) -> None:
    while True:
        try:
            await refresh_entity_counts(db)
        except ModelGraphError as exc:
            log.debug("entity count refresh skipped: %s", exc.message)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def running(db: Database, settings: Settings) -> AsyncIterator[None]:
    """Refresh the gauges every ``metrics_refresh_interval`` seconds while the block runs."""
    task = asyncio.create_task(_loop(db, settings.metrics_refresh_interval), name="metrics")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
