"""``Idempotency-Key`` on POST/PUT/PATCH, for GraphQL and REST alike (store/idempotency.py).

A first request runs with a pending claim that its first write transaction records; its answer
is kept. A retry with the same key and body gets that answer (``Idempotent-Replayed: true``)
and writes nothing; the same key with another body gets 409 ``IDEMPOTENCY_KEY_REUSED``.
Requests that wrote nothing (refused input, reads) keep no key, so their retries simply run.
"""

from __future__ import annotations

import json
import logging
from contextlib import AbstractAsyncContextManager

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgraph import periodic
from modelgraph.auth.edge import principal_of
from modelgraph.domain.errors import ModelGraphError
from modelgraph.http.errors import error_body
from modelgraph.observability import metrics
from modelgraph.store import idempotency
from modelgraph.store.db import Database, pending_claim

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
METHODS = frozenset({"POST", "PUT", "PATCH"})
_STATUS = {"UNAVAILABLE": 503, "INVALID_ARGUMENT": 400}


class Idempotency:
    """Replays the kept answer of a key, or runs the request with the key's claim pending."""

    def __init__(self, app: ASGIApp, ttl_seconds: float) -> None:
        self.app = app
        self.ttl_ms = int(ttl_seconds * 1000)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        graphql = scope["path"].rstrip("/") == "/graphql"
        if not key or len(key) > idempotency.MAX_KEY_LENGTH or not key.isprintable():
            message = f"Idempotency-Key must be 1-{idempotency.MAX_KEY_LENGTH} printable characters"
            await _refuse(send, graphql, 400, "INVALID_ARGUMENT", message)
            return
        body = await _read_body(receive)
        db: Database = scope["state"]["db"]
        principal = principal_of(HTTPConnection(scope))
        key_scope = idempotency.key_scope(principal.id, key)
        print_ = idempotency.fingerprint(
            scope["method"], scope["path"], scope.get("query_string", b""), body
        )
        try:
            stored = await idempotency.lookup(db, key_scope)
        except ModelGraphError as exc:
            await _refuse(send, graphql, _STATUS.get(exc.code, 500), exc.code, exc.message)
            return
        if stored is not None:
            await _answer_retry(send, graphql, stored, print_)
            return
        claim = idempotency.Claim(key_scope, principal.id, print_, self.ttl_ms)
        await self._first(scope, body, send, db, claim)

    async def _first(
        self, scope: Scope, body: bytes, send: Send, db: Database, claim: idempotency.Claim
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        sent_body = False

        async def replay_body() -> Message:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            answer = b"".join(chunks)
            # Kept before the client sees it, so an immediate retry finds it.
            if claim.done:
                await _keep_answer(db, claim, start, answer)
            await send(start)
            await send({"type": "http.response.body", "body": answer})

        token = pending_claim.set(claim)
        try:
            await self.app(scope, replay_body, keep)
        finally:
            pending_claim.reset(token)


async def _keep_answer(db: Database, claim: idempotency.Claim, start: Message, body: bytes) -> None:
    content_type = Headers(raw=start.get("headers", [])).get("content-type", "application/json")
    try:
        kept = await idempotency.store_answer(db, claim, start["status"], content_type, body)
    except ModelGraphError as exc:
        log.warning("idempotent answer not kept (the write committed once): %s", exc.message)
        return
    if not kept:
        log.warning("idempotent answer not kept: %d bytes or not text", len(body))


async def _answer_retry(
    send: Send, graphql: bool, stored: idempotency.StoredKey, print_: str
) -> None:
    if stored.fingerprint != print_:
        await _refuse(send, graphql, 409, idempotency.KeyReused.code, idempotency.REUSED_MESSAGE)
        return
    if stored.status is None or stored.body is None:
        await _refuse(send, graphql, 409, idempotency.KeyPending.code, idempotency.PENDING_MESSAGE)
        return
    body = stored.body.encode()
    headers = [
        (b"content-type", (stored.content_type or "application/json").encode()),
        (b"content-length", str(len(body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _refuse(send: Send, graphql: bool, status: int, code: str, message: str) -> None:
    """``{code, message}`` for REST; a GraphQL error list (with extensions.code) for /graphql."""
    if graphql:
        body = json.dumps(
            {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
            separators=(",", ":"),
        ).encode()
    else:
        body = error_body(code, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def prune_expired(db: Database, batch: int = 10_000) -> int:
    """Delete every expired key, a bounded batch per transaction; returns how many."""
    total = 0
    while True:
        pruned = await idempotency.prune(db, limit=batch)
        total += pruned
        metrics.IDEMPOTENCY_KEYS_PRUNED.inc(pruned)
        if pruned < batch:
            return total


def pruning(db: Database, every: float) -> AbstractAsyncContextManager[None]:
    """Delete expired keys every ``every`` seconds while the block runs (the service lifespan);
    expired keys are harmless meanwhile: a new claim takes one over."""
    return periodic.every(
        every, lambda: prune_expired(db), name="idempotency key pruning", wait_first=True
    )
