"""Writers of one process queue first-come first-served, outside the connection pool."""

from __future__ import annotations

import asyncio

import pytest
from neo4j import AsyncManagedTransaction
from neo4j.exceptions import SessionExpired
from prometheus_client import REGISTRY

from modelgraph.domain.errors import Unavailable
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

PING = query("health/ping")


def _writes_in_use() -> float:
    return REGISTRY.get_sample_value("modelgraph_neo4j_sessions_in_use", {"mode": "write"}) or 0.0


async def test_writers_go_in_arrival_order_and_waiting_ones_hold_no_connection(
    db: Database,
) -> None:
    own = Database(db.driver, db.database)
    release = asyncio.Event()
    holding = asyncio.Event()
    order: list[int] = []

    async def hold(tx: AsyncManagedTransaction) -> None:
        await own.fetch(tx, "health/ping", PING)
        holding.set()
        await release.wait()

    def writer(n: int):  # type: ignore[no-untyped-def]
        async def work(tx: AsyncManagedTransaction) -> None:
            await own.fetch(tx, "health/ping", PING)
            order.append(n)

        return work

    base = _writes_in_use()
    holder = asyncio.create_task(own.write(hold))
    await holding.wait()
    waiters = []
    for n in range(6):
        waiters.append(asyncio.create_task(own.write(writer(n))))
        await asyncio.sleep(0.05)  # arrival order is creation order
    await asyncio.sleep(0.3)
    # Only the writer holding the turn has a session; the six queued ones wait in the process.
    assert _writes_in_use() - base == 1
    assert order == []
    release.set()
    async with asyncio.timeout(30):
        await asyncio.gather(holder, *waiters)
    assert order == [0, 1, 2, 3, 4, 5]
    assert not own.turns.busy()


async def test_a_writer_that_waits_longer_than_the_timeout_is_unavailable(db: Database) -> None:
    own = Database(db.driver, db.database, tx_timeout=1.0)
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold(tx: AsyncManagedTransaction) -> None:
        holding.set()
        await release.wait()

    async def quick(tx: AsyncManagedTransaction) -> int:
        await own.fetch(tx, "health/ping", PING)
        return 1

    holder = asyncio.create_task(own.write(hold))
    await holding.wait()
    with pytest.raises(Unavailable, match="writes busy"):
        await own.write(quick)
    release.set()
    await asyncio.gather(holder, return_exceptions=True)
    assert await own.write(quick) == 1


async def test_a_retried_transaction_queues_again_and_gives_its_turn_back(db: Database) -> None:
    own = Database(db.driver, db.database)
    attempts = 0
    held_during: list[bool] = []

    async def flaky(tx: AsyncManagedTransaction) -> int:
        nonlocal attempts
        attempts += 1
        held_during.append(own.turns.busy())
        await own.fetch(tx, "health/ping", PING)
        if attempts == 1:
            raise SessionExpired("connection lost mid-transaction")  # the driver retries it
        return attempts

    assert await own.write(flaky) == 2
    assert held_during == [True, True]
    assert not own.turns.busy()
