"""The server stops a transaction that outlives the configured timeout."""

from __future__ import annotations

import pytest
from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Unavailable
from modelgraph.store.db import Database


async def test_slow_transaction_is_stopped_by_the_server(db: Database) -> None:
    bounded = Database(db.driver, db.database, tx_timeout=0.5)

    async def slow(tx: AsyncManagedTransaction) -> int:
        result = await tx.run("UNWIND range(1, 2000000000) AS x RETURN count(x) AS n")
        record = await result.single(strict=True)
        return int(record["n"])

    with pytest.raises(Unavailable, match="was stopped"):
        await bounded.read(slow)
