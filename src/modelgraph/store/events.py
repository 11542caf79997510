"""The change-event outbox: every writer records its event in the transaction of its change.

Neo4j Community has no change data capture, so webhooks and subscriptions read this outbox.
Each event gets the next number of one sequence node; its write lock is held until commit, so
sequence order is commit order and ``seq > cursor`` never skips an event that commits late.
Every write transaction takes that lock first (``events/write_gate``, in ``Database.write``), so
writers take turns instead of deadlocking on the locks they take in between.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain import events as event_types
from modelgraph.domain.errors import Invalid
from modelgraph.domain.events import MAX_PAYLOAD_BYTES, EventType
from modelgraph.domain.graph import Label, actor_id
from modelgraph.domain.ids import now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, count_round_trip

_RECORD = query("events/record")
_RECORD_MANY = query("events/record_many")
_SINCE = query("events/since")
_BY_ENTITY = query("events/by_entity")
_HEAD = query("events/head")

MAX_PAGE = 1_000


@dataclass(frozen=True)
class Event:
    """One recorded change, as the outbox holds it."""

    id: str
    seq: int
    type: str
    entity_id: str
    entity_kind: str
    scope_ids: list[str]
    principal: str
    at: int
    payload: dict[str, Any]

    @property
    def cursor(self) -> str:
        """Opaque resume position: events after it are the ones not yet seen."""
        return str(self.seq)

    def data(self) -> dict[str, Any]:
        """The JSON shape webhooks and subscriptions send."""
        return {
            "id": self.id,
            "cursor": self.cursor,
            "type": self.type,
            "entityId": self.entity_id,
            "entityKind": self.entity_kind,
            "scopeIds": self.scope_ids,
            "principal": self.principal,
            "at": self.at,
            "payload": self.payload,
        }


def event_from(row: Mapping[str, Any]) -> Event:
    """An :class:`Event` from the stored node properties."""
    return Event(
        id=row["id"],
        seq=int(row["seq"]),
        type=row["type"],
        entity_id=row["entityId"],
        entity_kind=row["entityKind"],
        scope_ids=list(row.get("scopeIds") or []),
        principal=row["principal"],
        at=int(row["at"]),
        payload=json.loads(row.get("payload") or "{}"),
    )


def scope_of(entity: Mapping[str, Any], extra: Iterable[str] = ()) -> list[str]:
    """The ids an event can be filtered by: the entity, its parent and any extra scope."""
    ids = [str(entity["id"])]
    parent = entity.get("parentId")
    if parent:
        ids.append(str(parent))
    ids.extend(i for i in extra if i and i not in ids)
    return ids


def encode_payload(payload: Mapping[str, Any] | None) -> str:
    """The stored JSON text of an event payload; INVALID_ARGUMENT over the size limit."""
    body = json.dumps(dict(payload or {}), separators=(",", ":"), sort_keys=True, default=str)
    if len(body.encode()) > MAX_PAYLOAD_BYTES:
        raise Invalid(f"event payload larger than {MAX_PAYLOAD_BYTES} bytes")
    return body


def created_row(kind: Label, entity: Mapping[str, Any]) -> dict[str, Any]:
    """The created event of a new entity as ``events/_append`` writes it (create_many_tx and the
    bulk loader record the same one); the principal and time are the statement's."""
    return event_row(
        event_types.created_event(kind),
        {**entity, "kind": kind.value},
        {"name": entity.get("name")},
    )


async def record(
    tx: AsyncManagedTransaction,
    type: EventType,
    entity: Mapping[str, Any],
    principal: Principal | None,
    payload: Mapping[str, Any] | None = None,
    *,
    scope: Iterable[str] = (),
    target_webhook_id: str | None = None,
) -> int:
    """Append the event of a change inside the change's own transaction; returns its seq.

    ``entity`` is the changed node (needs ``id`` and ``kind``; ``parentId`` widens the scope).
    """
    row = event_row(type, entity, payload, scope=scope)
    count_round_trip("events/record")
    result = await tx.run(
        _RECORD,
        **row,
        principal=actor_id(principal),
        at=now_ms(),
        targetWebhookId=target_webhook_id,
    )
    record = await result.single(strict=True)
    return int(record["seq"])


def parse_cursor(cursor: str | None) -> int:
    """The sequence number a cursor stands for; INVALID_ARGUMENT when it is not one."""
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise Invalid(f"malformed event cursor {cursor!r}", field="after")
    return int(cursor)


async def since_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    after: int,
    read: Mapping[str, Any],
    *,
    types: Sequence[str] | None = None,
    scope_id: str | None = None,
    limit: int = MAX_PAGE,
) -> list[Event]:
    """Events with ``seq > after`` (oldest first), filtered by type and scope, that a reader
    may see: ``read`` is its ``$readAll``/``$hiddenScopes`` (``access.Reader.parameters``)."""
    rows = await db.fetch(
        tx,
        "events/since",
        _SINCE,
        after=after,
        types=list(types) if types else None,
        scopeId=scope_id,
        limit=min(limit, MAX_PAGE),
        **read,
    )
    return [event_from(r["event"]) for r in rows]


async def for_entities(db: Database, entity_ids: Sequence[str]) -> list[Event]:
    """Every event about the given entities, oldest first."""

    async def work(tx: AsyncManagedTransaction) -> list[Event]:
        rows = await db.fetch(tx, "events/by_entity", _BY_ENTITY, entityIds=list(entity_ids))
        return [event_from(r["event"]) for r in rows]

    return await db.read(work)


async def head(db: Database) -> int:
    """The newest sequence number handed out so far."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, "events/head", _HEAD)
        return int(row["seq"]) if row else 0

    return await db.read(work)


def event_row(
    type: EventType,
    entity: Mapping[str, Any],
    payload: Mapping[str, Any] | None = None,
    *,
    scope: Iterable[str] = (),
) -> dict[str, Any]:
    """One event for :func:`record_many` (the shape ``events/_append`` writes)."""
    return {
        "type": type.value,
        "entityId": str(entity["id"]),
        "entityKind": str(entity.get("kind") or ""),
        "scopeIds": scope_of(entity, scope),
        "payload": encode_payload(payload),
    }


async def record_many(
    db: Database,
    tx: AsyncManagedTransaction,
    rows: Sequence[Mapping[str, Any]],
    principal: Principal | None,
) -> None:
    """Append many events (:func:`event_row`) inside the changes' transaction, in one round trip."""
    if rows:
        await db.fetch(
            tx,
            "events/record_many",
            _RECORD_MANY,
            events=list(rows),
            principal=actor_id(principal),
            at=now_ms(),
        )
