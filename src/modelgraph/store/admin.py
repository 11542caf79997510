"""Whole-graph maintenance used by tests, the demo and benchmarks."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from modelgraph.store.cypher import query
from modelgraph.store.db import Database

_CLEAR = query("admin/clear_graph")
_COUNT = query("admin/count_nodes")


async def clear_graph(db: Database) -> None:
    """Delete every node except migration records (batched; CALL IN TRANSACTIONS)."""
    async with db.driver.session(database=db.database) as session:
        db.round_trips.add("admin/clear_graph")
        await (await session.run(_CLEAR)).consume()


async def count_nodes(db: Database) -> int:
    """How many registry nodes the graph holds."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, "admin/count_nodes", _COUNT)
        return int(row["nodes"]) if row else 0

    return await db.read(work)
