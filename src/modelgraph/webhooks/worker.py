"""The delivery worker: fans the outbox out to webhooks and delivers with retries.

Every step goes through Neo4j — dispatch cursor, leases, attempts — so any number of workers
(processes or replicas) can run it and a restart loses nothing: a lease held by a worker that
died expires and another worker retries the delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx

from modelgraph.domain.errors import Invalid, ModelGraphError
from modelgraph.domain.ids import now_ms
from modelgraph.observability import metrics
from modelgraph.settings import Settings
from modelgraph.store import events
from modelgraph.store import webhooks as store
from modelgraph.store.db import Database
from modelgraph.webhooks import signing, ssrf

log = logging.getLogger(__name__)

CLAIM_BATCH = 200
CONCURRENCY = 64
EXCERPT_CHARS = 512
USER_AGENT = "ModelGraph-Webhooks/1"


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2·base, 4·base, … capped."""
    return float(min(base * 2 ** (attempts - 1), cap))


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta seconds or an HTTP date), if any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def body_of(event: events.Event) -> bytes:
    """The JSON a receiver gets: Standard Webhooks' ``type``, ``timestamp`` and ``data``."""
    stamp = datetime.fromtimestamp(event.at / 1000, tz=UTC).isoformat().replace("+00:00", "Z")
    envelope = {"type": event.type, "timestamp": stamp, "data": event.data()}
    return json.dumps(envelope, separators=(",", ":"), default=str).encode()


class DeliveryWorker:
    """One worker loop; start it with :meth:`run` in the service lifespan."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.allow = ssrf.AllowList.parse(settings.webhook_allow)
        self._limit = asyncio.Semaphore(CONCURRENCY)
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> DeliveryWorker:
        # No redirects (a 3xx could point anywhere) and no proxies from the environment.
        self._http = httpx.AsyncClient(
            timeout=self.settings.webhook_timeout, follow_redirects=False, trust_env=False
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def run(self) -> None:
        """Poll forever; database outages are logged and retried, never fatal."""
        async with self:
            while True:
                try:
                    busy = await self.run_once()
                except ModelGraphError as exc:
                    log.warning("webhook worker: %s", exc.message)
                    busy = 0
                except Exception:
                    log.exception("webhook worker step failed")
                    busy = 0
                if busy < CLAIM_BATCH:
                    await asyncio.sleep(self.settings.events_poll_interval)

    async def run_once(self) -> int:
        """Dispatch new events, deliver due deliveries once; returns how many were attempted."""
        while (dispatched := await store.dispatch(self.db)) > 0:
            metrics.EVENTS_DISPATCHED.inc(dispatched)
            if dispatched < 500:
                break
        lease_ms = int(self.settings.webhook_lease * 1000)
        claimed = await store.claim(self.db, self.owner, lease_ms, CLAIM_BATCH)
        if claimed:
            await asyncio.gather(*(self._deliver(c) for c in claimed))
        metrics.WEBHOOK_QUEUE.set(await store.queue_depth(self.db))
        return len(claimed)

    async def _deliver(self, claimed: store.Claimed) -> None:
        async with self._limit:
            delivery, webhook = claimed.delivery, claimed.webhook
            event = events.event_from(claimed.event)
            attempt = int(delivery["attempts"]) + 1
            status_code: int | None = None
            error: str | None = None
            excerpt: str | None = None
            wait: float | None = None
            began = time.perf_counter()
            if webhook is None:
                error = "webhook removed"
            else:
                try:
                    await ssrf.check_url(webhook["url"], self.allow)
                    response = await self._post(webhook["url"], webhook["secret"], event)
                except Invalid as exc:
                    error = exc.message
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS]
                else:
                    status_code = response.status_code
                    excerpt = response.text[:EXCERPT_CHARS]
                    wait = retry_after(response.headers.get("retry-after"), time.time())
            latency = time.perf_counter() - began
            metrics.WEBHOOK_SECONDS.observe(latency)
            delivered = status_code is not None and 200 <= status_code < 300
            if delivered:
                outcome, next_at = store.DELIVERED, None
            elif attempt >= self.settings.webhook_max_attempts or webhook is None:
                outcome, next_at = store.DEAD, None
            else:
                delay = backoff(
                    attempt, self.settings.webhook_backoff_base, self.settings.webhook_backoff_max
                )
                if wait is not None:
                    delay = min(max(delay, wait), self.settings.webhook_backoff_max)
                outcome, next_at = store.PENDING, now_ms() + int(delay * 1000)
            label = {store.DELIVERED: "delivered", store.DEAD: "dead"}.get(outcome, "retry")
            metrics.WEBHOOK_DELIVERIES.labels(label).inc()
            kept = await store.record_attempt(
                self.db,
                delivery["id"],
                self.owner,
                status=outcome,
                next_attempt_at=next_at,
                status_code=status_code,
                latency_ms=round(latency * 1000, 2),
                error=error,
                excerpt=excerpt,
            )
            if not kept:
                log.warning("lease on delivery %s expired during the attempt", delivery["id"])

    async def _post(self, url: str, secret: str, event: events.Event) -> httpx.Response:
        assert self._http is not None, "use the worker as an async context manager"
        body = body_of(event)
        headers = signing.headers(secret, event.id, int(time.time()), body)
        headers.update({"content-type": "application/json", "user-agent": USER_AGENT})
        return await self._http.post(url, content=body, headers=headers)


@contextlib.asynccontextmanager
async def running(db: Database, settings: Settings) -> AsyncIterator[asyncio.Task[None] | None]:
    """Run the worker in the background for the lifetime of the block (when enabled)."""
    if not settings.webhook_worker:
        yield None
        return
    task = asyncio.create_task(DeliveryWorker(db, settings).run(), name="webhook-worker")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
