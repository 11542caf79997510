"""Managing webhooks: validate, guard the URL, check permission, store; secrets shown once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Forbidden
from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.events import EventType
from modelgraph.domain.principal import Principal
from modelgraph.settings import Settings
from modelgraph.store import access, entities, events
from modelgraph.store import webhooks as store
from modelgraph.store.db import Database, Record
from modelgraph.webhooks import signing, ssrf

MAX_DESCRIPTION = 1_000


@dataclass(frozen=True)
class Created:
    """A new webhook and its signing secret (returned this once, never again)."""

    webhook: Record
    secret: str


async def authorize_manage(db: Database, principal: Principal, scope_id: str | None) -> None:
    """The manage check in a read transaction, for reads of a webhook and to fail fast before
    the URL check; the writes repeat it in their own transaction (store/webhooks.py)."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await access.authorize_webhook_tx(db, tx, principal, scope_id)

    await db.read(work)


async def read_events(
    db: Database,
    principal: Principal,
    after: int,
    *,
    types: Sequence[str] | None = None,
    scope_id: str | None = None,
    limit: int = events.MAX_PAGE,
) -> list[events.Event]:
    """Events after a cursor that the principal may read (a poll, or one step of a
    subscription): a scope it may not read is FORBIDDEN, and events of entities under a model
    or experiment closed to it are left out, by the same rule as every list."""

    async def work(tx: AsyncManagedTransaction) -> list[events.Event]:
        ids = [scope_id] if scope_id is not None else []
        reader = await access.require_readable_tx(db, tx, principal, ids)
        return await events.since_tx(
            db, tx, after, reader.parameters(), types=types, scope_id=scope_id, limit=limit
        )

    return await db.read(work)


async def manageable(db: Database, principal: Principal) -> list[Record]:
    """The webhooks the principal may manage (admins: every one), oldest first."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        every = await store.list_all_tx(db, tx)
        allowed: dict[str | None, bool] = {}
        for webhook in every:
            scope = webhook.get("scopeId")
            if scope not in allowed:
                try:
                    await access.authorize_webhook_tx(db, tx, principal, scope)
                    allowed[scope] = True
                except Forbidden:
                    allowed[scope] = False
        return [w for w in every if allowed[w.get("scopeId")]]

    return await db.read(work)


def check_event_types(types: Sequence[str]) -> list[str]:
    """Known event type names, deduplicated; INVALID_ARGUMENT for an unknown one."""
    known = {t.value for t in EventType}
    unknown = [t for t in types if t not in known]
    if unknown:
        raise Invalid(f"unknown event type(s): {', '.join(unknown)}", field="eventTypes")
    return sorted(set(types))


async def register(
    db: Database,
    settings: Settings,
    principal: Principal,
    *,
    url: str,
    event_types: Sequence[str] = (),
    scope_id: str | None = None,
    description: str | None = None,
) -> Created:
    """Register a webhook for some event types (none = all) and an optional scope entity."""
    await authorize_manage(db, principal, scope_id)
    types = check_event_types(event_types)
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise Invalid(f"description longer than {MAX_DESCRIPTION} characters", field="description")
    await ssrf.check_url(url, ssrf.AllowList.parse(settings.webhook_allow))
    if scope_id is not None and await entities.get(db, scope_id, actor=principal) is None:
        raise NotFound(f"no entity with id {scope_id!r} to scope the webhook to", field="scopeId")
    secret = signing.new_secret()
    props = {
        "id": str(uuid.uuid4()),
        "url": url,
        "eventTypes": types,
        "scopeId": scope_id,
        "secret": secret,
        "description": description,
    }
    return Created(await store.create(db, props, actor=principal), secret)


async def require(db: Database, principal: Principal, webhook_id: str) -> Record:
    """The webhook, after the permission check on its scope; NotFound when missing."""
    webhook = await store.get(db, webhook_id)
    if webhook is None:
        raise NotFound(f"no webhook {webhook_id!r}", field="webhookId")
    await authorize_manage(db, principal, webhook.get("scopeId"))
    return webhook


async def set_active(db: Database, principal: Principal, webhook_id: str, active: bool) -> Record:
    """Pause (no new deliveries) or resume a webhook."""
    updated = await store.set_active(db, webhook_id, active, actor=principal)
    if updated is None:
        raise NotFound(f"no webhook {webhook_id!r}", field="webhookId")
    return updated


async def delete(db: Database, principal: Principal, webhook_id: str) -> Record:
    """Remove a webhook; its pending deliveries are cancelled, its log kept."""
    removed = await store.delete(db, webhook_id, actor=principal)
    if removed is None:
        raise NotFound(f"no webhook {webhook_id!r}", field="webhookId")
    return removed


async def send_test(db: Database, principal: Principal, webhook_id: str) -> int:
    """Record a ``webhook.test`` event addressed to this webhook only; returns its seq."""
    seq = await store.send_test(db, webhook_id, actor=principal)
    if seq is None:
        raise NotFound(f"no webhook {webhook_id!r}", field="webhookId")
    return seq
