"""Change events in GraphQL: webhook management, delivery log, flagging, subscriptions.

Resolvers validate arguments and call webhooks/service.py, store/flags.py and store/events.py;
the subscription replays the outbox from a cursor, then follows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from enum import Enum

import strawberry

from modelgraph.domain.errors import Invalid
from modelgraph.domain.principal import Principal
from modelgraph.graphql.context import Info
from modelgraph.graphql.scalars import JSON, Long, Timestamp
from modelgraph.observability import metrics
from modelgraph.store import events as outbox
from modelgraph.store import flags
from modelgraph.store import webhooks as webhook_store
from modelgraph.store.db import Record
from modelgraph.webhooks import service

MAX_FIRST = 200
MAX_TYPES = 50


def principal_of(info: Info) -> Principal:
    """The acting principal; the identity work puts a verified one on the context."""
    return info.context.actor


@strawberry.enum(description="Where a delivery stands.")
class DeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"
    CANCELLED = "CANCELLED"


@strawberry.type(description="A change recorded in the outbox, in the transaction of the change.")
class Event:
    id: strawberry.ID
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    type: str
    entity_id: strawberry.ID
    entity_kind: str
    scope_ids: list[strawberry.ID]
    principal: str
    at: Timestamp
    payload: JSON

    @classmethod
    def of(cls, event: outbox.Event) -> Event:
        return cls(
            id=strawberry.ID(event.id),
            cursor=event.cursor,
            type=event.type,
            entity_id=strawberry.ID(event.entity_id),
            entity_kind=event.entity_kind,
            scope_ids=[strawberry.ID(i) for i in event.scope_ids],
            principal=event.principal,
            at=Timestamp(event.at),
            payload=JSON(event.payload),
        )


@strawberry.type(description="An HTTP endpoint that receives signed events.")
class Webhook:
    id: strawberry.ID
    url: str
    event_types: list[str] = strawberry.field(description="Empty: every event type.")
    scope_id: strawberry.ID | None = strawberry.field(
        description="Only events about this entity or its children (a model, dataset, ...)."
    )
    description: str | None
    active: bool
    created_at: Timestamp
    created_by: str | None

    @classmethod
    def of(cls, row: Record) -> Webhook:
        return cls(
            id=strawberry.ID(row["id"]),
            url=row["url"],
            event_types=list(row.get("eventTypes") or []),
            scope_id=strawberry.ID(row["scopeId"]) if row.get("scopeId") else None,
            description=row.get("description"),
            active=bool(row.get("active")),
            created_at=Timestamp(int(row["createdAt"])),
            created_by=row.get("createdBy"),
        )

    @strawberry.field(description="Deliveries of this webhook, newest first, with attempts.")
    async def deliveries(
        self, info: Info, status: DeliveryStatus | None = None, first: int = 50
    ) -> list[Delivery]:
        if not 1 <= first <= MAX_FIRST:
            raise Invalid(f"first must be 1-{MAX_FIRST}", field="first")
        rows = await webhook_store.deliveries(
            info.context.db, str(self.id), status=status.value if status else None, limit=first
        )
        return [Delivery.of(d, attempts) for d, attempts in rows]


@strawberry.type(description="One HTTP attempt of a delivery.")
class DeliveryAttempt:
    number: int
    at: Timestamp
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str | None


@strawberry.type(description="One event on its way to one webhook.")
class Delivery:
    id: strawberry.ID
    event_id: strawberry.ID
    event_type: str
    event_cursor: str
    status: DeliveryStatus
    attempts: list[DeliveryAttempt]
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    last_status_code: int | None
    last_error: str | None

    @classmethod
    def of(cls, row: Record, attempts: list[Record]) -> Delivery:
        return cls(
            id=strawberry.ID(row["id"]),
            event_id=strawberry.ID(row["eventId"]),
            event_type=row["eventType"],
            event_cursor=str(row["eventSeq"]),
            status=DeliveryStatus(row["status"]),
            attempts=[
                DeliveryAttempt(
                    number=int(a["number"]),
                    at=Timestamp(int(a["at"])),
                    status_code=a.get("statusCode"),
                    latency_ms=float(a.get("latencyMs") or 0.0),
                    error=a.get("error"),
                    response_excerpt=a.get("responseExcerpt"),
                )
                for a in attempts
            ],
            next_attempt_at=Timestamp(row["nextAttemptAt"])
            if row.get("nextAttemptAt") is not None and row["status"] == "PENDING"
            else None,
            delivered_at=Timestamp(row["deliveredAt"]) if row.get("deliveredAt") else None,
            last_status_code=row.get("lastStatusCode"),
            last_error=row.get("lastError"),
        )


@strawberry.type(description="A new webhook and its signing secret, shown this once only.")
class CreatedWebhook:
    webhook: Webhook
    secret: str = strawberry.field(
        description="Standard Webhooks secret (whsec_...): verify `webhook-signature` with it."
    )


@strawberry.type(description="A flagged dataset version and the live deployments notified.")
class FlagResult:
    dataset_version_id: strawberry.ID
    reason: str
    deployment_ids: list[strawberry.ID]
    events: int = strawberry.field(
        description="impact.flagged events recorded (one per deployment)."
    )
    truncated: bool


def _filters(types: list[str] | None, after: str | None) -> tuple[list[str] | None, int]:
    if types is not None and len(types) > MAX_TYPES:
        raise Invalid(f"at most {MAX_TYPES} event types", field="types")
    checked = service.check_event_types(types) if types else None
    return checked, outbox.parse_cursor(after)


@strawberry.type
class EventsQuery:
    @strawberry.field(
        description="The webhooks the caller may manage (admins: every one); secrets are never "
        "returned."
    )
    async def webhooks(self, info: Info) -> list[Webhook]:
        rows = await service.manageable(info.context.db, principal_of(info))
        return [Webhook.of(r) for r in rows]

    @strawberry.field(description="One webhook by id.")
    async def webhook(self, info: Info, id: strawberry.ID) -> Webhook | None:
        row = await service.require(info.context.db, principal_of(info), str(id))
        return Webhook.of(row)

    @strawberry.field(description="Outbox events after a cursor, oldest first (a poll).")
    async def events(
        self,
        info: Info,
        after: str | None = None,
        types: list[str] | None = None,
        scope_id: strawberry.ID | None = None,
        first: int = 100,
    ) -> list[Event]:
        if not 1 <= first <= outbox.MAX_PAGE:
            raise Invalid(f"first must be 1-{outbox.MAX_PAGE}", field="first")
        checked, seq = _filters(types, after)
        rows = await service.read_events(
            info.context.db,
            principal_of(info),
            seq,
            types=checked,
            scope_id=str(scope_id) if scope_id is not None else None,
            limit=first,
        )
        return [Event.of(e) for e in rows]


@strawberry.type
class EventsMutation:
    @strawberry.mutation(description="Register a webhook; the answer carries its secret once.")
    async def create_webhook(
        self,
        info: Info,
        url: str,
        event_types: list[str] | None = None,
        scope_id: strawberry.ID | None = None,
        description: str | None = None,
    ) -> CreatedWebhook:
        created = await service.register(
            info.context.db,
            info.context.settings,
            principal_of(info),
            url=url,
            event_types=event_types or [],
            scope_id=str(scope_id) if scope_id else None,
            description=description,
        )
        return CreatedWebhook(webhook=Webhook.of(created.webhook), secret=created.secret)

    @strawberry.mutation(description="Pause (no new deliveries) or resume a webhook.")
    async def set_webhook_active(self, info: Info, id: strawberry.ID, active: bool) -> Webhook:
        row = await service.set_active(info.context.db, principal_of(info), str(id), active)
        return Webhook.of(row)

    @strawberry.mutation(description="Remove a webhook; pending deliveries are cancelled.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> Webhook:
        return Webhook.of(await service.delete(info.context.db, principal_of(info), str(id)))

    @strawberry.mutation(description="Send a `webhook.test` event to this webhook only.")
    async def send_test_event(self, info: Info, webhook_id: strawberry.ID) -> Long:
        seq = await service.send_test(info.context.db, principal_of(info), str(webhook_id))
        return Long(seq)

    @strawberry.mutation(
        description="Mark a dataset version bad: one `impact.flagged` event per affected live "
        "deployment (as `impact(ref, liveOnly: true)` finds them)."
    )
    async def flag_dataset_version(self, info: Info, ref: str, reason: str) -> FlagResult:
        done = await flags.flag_dataset_version(info.context.db, ref, reason, principal_of(info))
        return FlagResult(
            dataset_version_id=strawberry.ID(done.dataset_version["id"]),
            reason=str(done.dataset_version["flagReason"]),
            deployment_ids=[strawberry.ID(d["id"]) for d in done.deployments],
            events=len(done.deployments),
            truncated=done.truncated,
        )


@strawberry.type
class EventsSubscription:
    @strawberry.subscription(
        description="Change events as they commit; `after` replays the outbox from a cursor."
    )
    async def events(
        self,
        info: Info,
        after: str | None = None,
        types: list[str] | None = None,
        scope_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[Event, None]:
        checked, seq = _filters(types, after)
        db, principal = info.context.db, principal_of(info)
        scope = str(scope_id) if scope_id is not None else None
        # Refused up front (a scope the caller may not read); every step re-reads the caller's
        # grants, so a grant removed mid-subscription closes what it governs from then on.
        await service.read_events(db, principal, seq, types=checked, scope_id=scope, limit=1)
        if after is None:
            seq = await outbox.head(db)  # no cursor: only what happens from now on
        poll: float = info.context.settings.events_poll_interval
        while True:
            batch = await service.read_events(db, principal, seq, types=checked, scope_id=scope)
            for event in batch:
                seq = event.seq
                metrics.SUBSCRIPTION_EVENTS.inc()
                yield Event.of(event)
            if len(batch) < outbox.MAX_PAGE:
                await asyncio.sleep(poll)


__all__ = ["EventsMutation", "EventsQuery", "EventsSubscription"]
