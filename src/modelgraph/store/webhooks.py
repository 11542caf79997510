"""Webhook registrations and their deliveries, kept in Neo4j so they survive restarts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.events import EventType
from modelgraph.domain.ids import now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store import access, events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_CREATE = query("events/webhook_create")
_LIST = query("events/webhook_list")
_GET = query("events/webhook_get")
_UPDATE = query("events/webhook_update")
_DELETE = query("events/webhook_delete")
_DISPATCH = query("events/dispatch")
_CANDIDATES = query("events/claim_candidates")
_LOCK = query("events/claim_lock")
_CLAIM = query("events/claim")
_ATTEMPT = query("events/attempt")
_DELIVERIES = query("events/deliveries")
_QUEUE_DEPTH = query("events/queue_depth")

PENDING, DELIVERED, DEAD = "PENDING", "DELIVERED", "DEAD"


@dataclass(frozen=True)
class Claimed:
    """A leased delivery with its event and webhook (secret included, never returned to faces)."""

    delivery: Record
    event: Record
    webhook: Record | None


async def create(db: Database, props: dict[str, Any], *, actor: Principal) -> Record:
    """Store a webhook (``id, url, eventTypes, scopeId, secret, description``) after the
    permission check on its scope, in the same transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await access.authorize_webhook_tx(db, tx, actor, props.get("scopeId"))
        row = await db.fetch_one(
            tx, "events/webhook_create", _CREATE, at=now_ms(), by=actor.id, **props
        )
        assert row is not None
        webhook: Record = row["webhook"]
        return webhook

    return await db.write(work)


async def list_all_tx(db: Database, tx: AsyncManagedTransaction) -> list[Record]:
    """Every webhook, oldest first, secrets left out."""
    return [r["webhook"] for r in await db.fetch(tx, "events/webhook_list", _LIST)]


async def get(db: Database, webhook_id: str) -> Record | None:
    """One webhook without its secret, or None."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        row = await db.fetch_one(tx, "events/webhook_get", _GET, id=webhook_id)
        return row["webhook"] if row else None

    return await db.read(work)


async def _managed_tx(
    db: Database, tx: AsyncManagedTransaction, webhook_id: str, actor: Principal
) -> Record | None:
    """The webhook (None when missing), after the permission check on its scope (FORBIDDEN)."""
    row = await db.fetch_one(tx, "events/webhook_get", _GET, id=webhook_id)
    if row is None:
        return None
    webhook: Record = row["webhook"]
    await access.authorize_webhook_tx(db, tx, actor, webhook.get("scopeId"))
    return webhook


async def set_active(
    db: Database, webhook_id: str, active: bool, *, actor: Principal
) -> Record | None:
    """Pause or resume a webhook; None when it does not exist."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        if await _managed_tx(db, tx, webhook_id, actor) is None:
            return None
        row = await db.fetch_one(
            tx, "events/webhook_update", _UPDATE, id=webhook_id, active=active, at=now_ms()
        )
        return row["webhook"] if row else None

    return await db.write(work)


async def delete(db: Database, webhook_id: str, *, actor: Principal) -> Record | None:
    """Remove a webhook (its delivery log stays); None when it does not exist."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        if await _managed_tx(db, tx, webhook_id, actor) is None:
            return None
        row = await db.fetch_one(tx, "events/webhook_delete", _DELETE, id=webhook_id)
        return row["webhook"] if row else None

    return await db.write(work)


TEST_ENTITY_KIND = "Webhook"


async def send_test(db: Database, webhook_id: str, *, actor: Principal) -> int | None:
    """Record a ``webhook.test`` event addressed to this webhook only, in the transaction of the
    permission check; returns its seq, None when the webhook does not exist."""

    async def work(tx: AsyncManagedTransaction) -> int | None:
        webhook = await _managed_tx(db, tx, webhook_id, actor)
        if webhook is None:
            return None
        entity = {"id": webhook["id"], "kind": TEST_ENTITY_KIND}
        return await events.record(
            tx,
            EventType.WEBHOOK_TEST,
            entity,
            actor,
            {"url": webhook["url"]},
            target_webhook_id=webhook["id"],
        )

    return await db.write(work)


async def dispatch(db: Database, limit: int = 500) -> int:
    """Fan events after the dispatch cursor out into deliveries; returns events consumed."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, "events/dispatch", _DISPATCH, limit=limit, now=now_ms())
        return int(row["events"]) if row else 0

    return await db.write(work)


async def claim(db: Database, owner: str, lease_ms: int, limit: int) -> list[Claimed]:
    """Lease due deliveries (oldest pending per webhook and entity) for ``owner``."""

    async def work(tx: AsyncManagedTransaction) -> list[Claimed]:
        now = now_ms()
        rows = await db.fetch(tx, "events/claim_candidates", _CANDIDATES, now=now, limit=limit)
        ids = sorted(r["id"] for r in rows)
        if not ids:
            return []
        await db.fetch(tx, "events/claim_lock", _LOCK, ids=ids, now=now)
        claimed = await db.fetch(
            tx, "events/claim", _CLAIM, ids=ids, now=now, owner=owner, leaseMs=lease_ms
        )
        return [Claimed(r["delivery"], r["event"], r["webhook"]) for r in claimed]

    return await db.write(work)


async def record_attempt(
    db: Database,
    delivery_id: str,
    owner: str,
    *,
    status: str,
    next_attempt_at: int | None,
    status_code: int | None,
    latency_ms: float,
    error: str | None,
    excerpt: str | None,
) -> bool:
    """Log one attempt and the delivery's new state; False when the lease was lost."""

    async def work(tx: AsyncManagedTransaction) -> bool:
        row = await db.fetch_one(
            tx,
            "events/attempt",
            _ATTEMPT,
            id=delivery_id,
            owner=owner,
            status=status,
            nextAttemptAt=next_attempt_at,
            statusCode=status_code,
            latencyMs=latency_ms,
            error=error,
            excerpt=excerpt,
            at=now_ms(),
        )
        return row is not None

    return await db.write(work)


async def deliveries(
    db: Database, webhook_id: str, *, status: str | None = None, limit: int = 50
) -> list[tuple[Record, list[Record]]]:
    """The delivery log of a webhook, newest first: each delivery with its attempts."""

    async def work(tx: AsyncManagedTransaction) -> list[tuple[Record, list[Record]]]:
        rows = await db.fetch(
            tx, "events/deliveries", _DELIVERIES, webhookId=webhook_id, status=status, limit=limit
        )
        return [(r["delivery"], r["attempts"]) for r in rows]

    return await db.read(work)


async def queue_depth(db: Database) -> int:
    """Deliveries still pending."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, "events/queue_depth", _QUEUE_DEPTH)
        return int(row["pending"]) if row else 0

    return await db.read(work)
