"""The floor: the exact Cypher the service runs for a request, timed straight through the driver.

A GraphQL request is executed once in-process with a recording Database, which notes every
``(query name, parameters)`` the store sends. The floor then replays that sequence, loading the
text with ``store.cypher.query(name)``, in one transaction per request — no HTTP, no GraphQL,
no resolvers: what is left is the database's own time plus the driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, RoundTrips, T, TxFunc

TX_TIMEOUT_S = 30  # the HTTP client's per-request timeout in bench/run.py


@dataclass(frozen=True)
class Recorded:
    """The store's queries for one request, in order, and whether it wrote."""

    calls: list[tuple[str, dict[str, Any]]]
    write: bool


class _NamedTrips(RoundTrips):
    """Every store fetch helper names its query here just before it runs it."""

    last: str = ""

    def add(self, name: str) -> None:
        super().add(name)
        self.last = name


class _RecordingTx:
    """Wraps a transaction: each ``run`` is noted with the name the store just announced."""

    def __init__(self, tx: Any, owner: RecordingDatabase) -> None:
        self._tx, self._owner = tx, owner

    async def run(self, text: Any, parameters: dict[str, Any] | None = None, **kw: Any) -> Any:
        params = {**(parameters or {}), **kw}
        self._owner.calls.append((self._owner.trips.last, params))
        return await self._tx.run(text, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)


class RecordingDatabase(Database):
    """Notes every query (whichever fetch helper sends it); its transactions are rolled back."""

    def __init__(self, db: Database) -> None:
        super().__init__(db.driver, db.database)
        self.trips = _NamedTrips()
        self.round_trips = self.trips
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.wrote = False

    async def read(self, work: TxFunc[T]) -> T:
        return await self._rolled_back(work)

    async def write(self, work: TxFunc[T]) -> T:
        self.wrote = True
        return await self._rolled_back(work)

    async def _rolled_back(self, work: TxFunc[T]) -> T:
        async with self.driver.session(database=self.database) as session:
            tx = await session.begin_transaction(timeout=TX_TIMEOUT_S)
            try:
                return await work(_RecordingTx(tx, self))  # type: ignore[arg-type]
            finally:
                await tx.rollback()


async def record(
    db: Database, settings: Settings, text: str, variables: dict[str, Any]
) -> Recorded:
    """Run one GraphQL operation in-process and return the queries it sent."""
    rec = RecordingDatabase(db)
    result = await schema.execute(
        text,
        variable_values=variables,
        context_value=Context(db=rec, settings=settings, user="bench"),
    )
    if result.errors:
        raise RuntimeError(f"recording failed: {result.errors[0]}")
    return Recorded(calls=rec.calls, write=rec.wrote)


async def replay(db: Database, recorded: Recorded) -> int:
    """Run the recorded queries in one transaction, consuming every row; returns rows read."""

    async def work(tx: AsyncManagedTransaction) -> int:
        rows = 0
        for name, params in recorded.calls:
            result = await tx.run(query(name), params)
            # Records as the driver decodes them, without any conversion: the physical floor.
            rows += len([record async for record in result])
        return rows

    async with db.driver.session(database=db.database) as session:
        # An explicit transaction so the server enforces the same timeout as the service's client.
        tx = await session.begin_transaction(timeout=TX_TIMEOUT_S)
        try:
            rows = await work(tx)  # type: ignore[arg-type]
            if recorded.write:
                await tx.commit()
            return rows
        finally:
            if not tx.closed():
                await tx.rollback()
