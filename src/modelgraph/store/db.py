"""One AsyncDriver per process and the transaction helpers every repository uses."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, LiteralString, Protocol, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors

from modelgraph.domain.errors import Conflict, ModelGraphError, Unavailable
from modelgraph.observability import metrics
from modelgraph.settings import Settings
from modelgraph.store.cypher import query

log = logging.getLogger(__name__)
T = TypeVar("T")
_PING = query("health/ping")
_WRITE_GATE = query("events/write_gate")
DEFAULT_TX_TIMEOUT = 30.0
# Changes per transaction of a backfill over the whole graph (Database.write_in_batches).
BACKFILL_BATCH = 20_000

Record = dict[str, Any]
TxFunc = Callable[[AsyncManagedTransaction], Awaitable[T]]


@dataclass
class RoundTrips:
    """Counts queries sent to Neo4j; tests use it to prove nested reads are batched."""

    count: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.count += 1
        self.names.append(name)
        current = request_round_trips.get()
        if current is not None and current is not self:
            current.count += 1


# Per-request round trips for the access log; the request's middleware sets a fresh counter.
request_round_trips: ContextVar[RoundTrips | None] = ContextVar("request_round_trips", default=None)


class WriteClaim(Protocol):
    """What a request writes in its first committed write transaction (an idempotency key)."""

    done: bool

    async def claim(self, tx: AsyncManagedTransaction) -> None:
        """Write the claim inside ``tx``; raise to refuse the whole write."""


# Set by the HTTP edge for a request carrying an Idempotency-Key; consumed by the first write.
pending_claim: ContextVar[WriteClaim | None] = ContextVar("pending_claim", default=None)


def count_round_trip(name: str) -> None:
    """Count a query sent outside :class:`Database` helpers in the current request's counter."""
    current = request_round_trips.get()
    if current is not None:
        current.add(name)


def make_driver(settings: Settings) -> AsyncDriver:
    """The process-wide driver; connection and retry budgets sized for one request."""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=settings.neo4j_auth(),
        connection_timeout=settings.neo4j_connection_timeout,
        connection_acquisition_timeout=settings.neo4j_connection_timeout * 2,
        max_transaction_retry_time=settings.neo4j_retry_time,
        liveness_check_timeout=5.0,
        notifications_min_severity="OFF",
    )


class Database:
    """A driver bound to one database, with managed read/write transactions and error mapping."""

    def __init__(
        self, driver: AsyncDriver, database: str, tx_timeout: float = DEFAULT_TX_TIMEOUT
    ) -> None:
        self.driver = driver
        self.database = database
        # Enforced by the server: a query the client gave up on does not keep running there.
        self.tx_timeout = tx_timeout
        self.round_trips = RoundTrips()
        self.turns = WriterTurns(tx_timeout)

    async def read(self, work: TxFunc[T]) -> T:
        """Run ``work`` in a managed read transaction (routable to secondaries)."""
        return await self._run(work, write=False)

    async def write(self, work: TxFunc[T]) -> T:
        """Run ``work`` in a managed write transaction; the whole request commits or nothing."""
        return await self._run(work, write=True)

    async def _run(self, work: TxFunc[T], *, write: bool) -> T:
        claim = pending_claim.get() if write else None
        if claim is not None and not claim.done:
            work = _claiming(claim, work)
        else:
            claim = None
        mode = "write" if write else "read"
        in_use = metrics.NEO4J_SESSIONS_IN_USE.labels(mode)
        turn: Turn | None = None
        if write:
            # Queue for this process's turn before taking a connection: waiting writers hold none.
            turn = await self.turns.take()
            work = _gated(self, turn, work)
        bounded = neo4j.unit_of_work(timeout=self.tx_timeout)(_timed_start(mode, work))
        in_use.inc()
        try:
            async with self.driver.session(database=self.database) as session:
                if write:
                    result = await session.execute_write(bounded)
                    if claim is not None:
                        claim.done = True
                    return result
                return await session.execute_read(bounded)
        except ModelGraphError:
            raise
        except neo4j_errors.ConstraintError as exc:
            raise Conflict(_constraint_message(exc)) from exc
        except (
            neo4j_errors.ServiceUnavailable,
            neo4j_errors.SessionExpired,
            neo4j_errors.SessionError,
            OSError,
        ) as exc:
            log.warning("database unavailable: %s", exc)
            raise Unavailable("database unavailable: Neo4j cannot be reached") from exc
        except neo4j_errors.ConnectionAcquisitionTimeoutError as exc:
            raise Unavailable("database busy: no connection free in time, try again") from exc
        except neo4j_errors.TransientError as exc:
            raise Unavailable(f"database busy, try again: {exc.message}") from exc
        except neo4j_errors.ClientError as exc:
            # A timeout that strikes while the transaction waits for a lock says LockClientStopped.
            if exc.code and ("TransactionTimedOut" in exc.code or "LockClientStopped" in exc.code):
                raise Unavailable(
                    f"query took longer than {self.tx_timeout:g} s and was stopped"
                ) from exc
            raise
        finally:
            in_use.dec()
            if turn is not None:
                turn.give_back()

    async def write_in_batches(self, work: TxFunc[tuple[int, int]]) -> int:
        """Repeat a bounded write, one transaction each, until it changes nothing (backfills
        over a whole graph). ``work`` returns ``(counted, changed)``; the counts are summed."""
        total = 0
        while True:
            counted, changed = await self.write(work)
            total += counted
            if changed == 0:
                return total

    async def fetch(
        self, tx: AsyncManagedTransaction, name: str, text: LiteralString, /, **params: Any
    ) -> list[Record]:
        """Run one query inside ``tx`` and return its records as dicts (counted)."""
        self.round_trips.add(name)
        result = await tx.run(text, params)
        return [record.data() async for record in result]

    async def fetch_plain_one(
        self, tx: AsyncManagedTransaction, name: str, text: LiteralString, /, **params: Any
    ) -> Record | None:
        """:meth:`fetch_one` for queries returning only maps, lists and scalars (never nodes).

        Skips the driver's recursive graph-type conversion, which dominates decoding of
        large lineage answers.
        """
        self.round_trips.add(name)
        result = await tx.run(text, params)
        record = await result.single(strict=False)
        return dict(record) if record is not None else None

    async def fetch_one(
        self, tx: AsyncManagedTransaction, name: str, text: LiteralString, /, **params: Any
    ) -> Record | None:
        """Run one query inside ``tx`` and return its single record, if any."""
        rows = await self.fetch(tx, name, text, **params)
        return rows[0] if rows else None

    async def ping(self) -> None:
        """Raise Unavailable unless Neo4j answers a trivial query."""

        async def work(tx: AsyncManagedTransaction) -> None:
            await self.fetch(tx, "health/ping", _PING)

        await self.read(work)


def _timed_start(mode: str, work: TxFunc[T]) -> TxFunc[T]:
    """Observe the wait before the first attempt starts (connection acquisition and BEGIN)."""
    asked = time.perf_counter()
    first = True

    async def timed(tx: AsyncManagedTransaction) -> T:
        nonlocal first
        if first:
            first = False
            metrics.NEO4J_ACQUIRE_SECONDS.labels(mode).observe(time.perf_counter() - asked)
        return await work(tx)

    return timed


class WriterTurns:
    """This process's writers in first-come order, one at a time, in front of the database's
    own turn lock (events/write_gate, which orders writers across processes).

    Neo4j wakes lock waiters in no particular order, so under a queue of writers some waited
    seconds while others went straight through; here they go in arrival order, and the waiting
    ones hold no pooled connection and no open transaction. A turn is given back when its
    transaction's statements are done, before the commit: the next writer's gate statement then
    waits in Neo4j only for that commit, so the two overlap instead of following each other.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        # One queue per event loop (a lock belongs to one loop; tests run servers in threads).
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _current(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def busy(self) -> bool:
        """Whether a writer holds this loop's turn."""
        return self._current().locked()

    async def take(self) -> Turn:
        """Wait for a turn (at most the transaction timeout: then the write is UNAVAILABLE)."""
        turn = Turn(self)
        await turn.take()
        return turn


class Turn:
    """One writer's place in :class:`WriterTurns`; taken again if its transaction is retried."""

    def __init__(self, turns: WriterTurns) -> None:
        self._turns = turns
        self._lock: asyncio.Lock | None = None

    @property
    def held(self) -> bool:
        return self._lock is not None

    async def take(self) -> None:
        lock = self._turns._current()
        asked = time.perf_counter()
        try:
            async with asyncio.timeout(self._turns.timeout):
                await lock.acquire()
        except TimeoutError as exc:
            raise Unavailable(
                f"writes busy: no turn to write within {self._turns.timeout:g} s, try again"
            ) from exc
        finally:
            metrics.WRITE_QUEUE_SECONDS.observe(time.perf_counter() - asked)
        self._lock = lock

    def give_back(self) -> None:
        """Release the turn if this writer still holds it (idempotent)."""
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()


def _gated(db: Database, turn: Turn, work: TxFunc[T]) -> TxFunc[T]:
    """``work`` after taking the writers' turn lock (events/write_gate): deadlock-free writes.

    The process's turn (:class:`WriterTurns`) is taken before and given back when the
    statements are done; a retry of the transaction queues for it again."""

    async def gated(tx: AsyncManagedTransaction) -> T:
        if not turn.held:
            await turn.take()
        try:
            db.round_trips.add("events/write_gate")
            await (await tx.run(_WRITE_GATE)).consume()
            taken = time.perf_counter()
            try:
                return await work(tx)
            finally:
                metrics.WRITE_TURN_SECONDS.observe(time.perf_counter() - taken)
        finally:
            turn.give_back()

    return gated


def _claiming(claim: WriteClaim, work: TxFunc[T]) -> TxFunc[T]:
    async def claimed(tx: AsyncManagedTransaction) -> T:
        await claim.claim(tx)
        return await work(tx)

    return claimed


def _constraint_message(exc: neo4j_errors.ConstraintError) -> str:
    text = exc.message or ""
    if "already exists" in text:
        return "an entity with the same unique key already exists"
    return "the change violates a uniqueness constraint"


__all__ = [
    "BACKFILL_BATCH",
    "Database",
    "Record",
    "RoundTrips",
    "WriteClaim",
    "count_round_trip",
    "make_driver",
    "neo4j",
    "pending_claim",
    "request_round_trips",
]
