"""Driver errors that only a loaded database shows map to UNAVAILABLE, never INTERNAL (the soak
found both under load: a full pool, and a timeout that strikes while waiting for a lock)."""

from __future__ import annotations

import asyncio

import pytest
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction

from modelgraph.domain.errors import Unavailable
from modelgraph.domain.events import EventType
from modelgraph.domain.principal import Principal
from modelgraph.settings import Settings
from modelgraph.store import events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database
from tests.conftest import one_connection

PING = query("health/ping")
NODE = {"id": "db-errors-probe", "kind": "Probe"}


async def _holding(
    db: Database, write: bool, started: asyncio.Event, release: asyncio.Event
) -> None:
    async def hold(tx: AsyncManagedTransaction) -> None:
        if write:
            await events.record(tx, EventType.ENTITY_UPDATED, NODE, Principal("t"))
        else:
            await db.fetch(tx, "health/ping", PING)
        started.set()
        await release.wait()

    await (db.write(hold) if write else db.read(hold))


async def test_a_full_pool_is_unavailable(settings: Settings, db: Database) -> None:
    async with one_connection(settings, acquisition_timeout=0.5) as one:
        started, release = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(_holding(one, False, started, release))
        await started.wait()
        with pytest.raises(Unavailable, match="no connection free"):
            await one.ping()
        release.set()
        await holder


async def test_a_timeout_while_waiting_for_a_lock_is_unavailable(
    settings: Settings, db: Database
) -> None:
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=settings.neo4j_auth(), max_transaction_retry_time=0
    )
    patient = Database(driver, settings.neo4j_database)
    hasty = Database(driver, settings.neo4j_database, tx_timeout=1.0)
    started, release = asyncio.Event(), asyncio.Event()
    try:
        # Both take the event sequence's write lock; the second waits past its timeout.
        holder = asyncio.create_task(_holding(patient, True, started, release))
        await started.wait()
        with pytest.raises(Unavailable, match="stopped"):
            await _holding(hasty, True, asyncio.Event(), asyncio.Event())
        release.set()
        await holder
    finally:
        await driver.close()
