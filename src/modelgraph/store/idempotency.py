"""Idempotency keys: a retry with the same key and body answers as the first, writing nothing.

The key is written in the transaction of the request's first write (``db.pending_claim``), so a
write that committed always leaves its key behind and a retry after ``UNAVAILABLE`` or a lost
answer never writes twice. The answer is stored once the request is done and replayed to retries.
Keys are scoped per principal and expire (``MODELGRAPH_IDEMPOTENCY_TTL``).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Conflict
from modelgraph.domain.ids import now_ms
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, count_round_trip

_LOOKUP = query("idempotency/lookup")
_CLAIM = query("idempotency/claim")
_ANSWER = query("idempotency/answer")
_PRUNE = query("idempotency/prune")

MAX_KEY_LENGTH = 255
# Larger answers are not kept: a retry then gets IDEMPOTENCY_KEY_PENDING (the write still ran once).
MAX_STORED_ANSWER_BYTES = 1024 * 1024


class KeyReused(Conflict):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class KeyPending(Conflict):
    """The key's write committed (or is committing) but its answer is not stored."""

    code = "IDEMPOTENCY_KEY_PENDING"


REUSED_MESSAGE = "this Idempotency-Key was used for a different request"
PENDING_MESSAGE = (
    "a request with this Idempotency-Key is in progress, or its write committed and its answer "
    "was not kept: it was applied once; read the result instead of retrying"
)


@dataclass(frozen=True)
class StoredKey:
    """A live key: the request it was taken for and, once known, its answer."""

    fingerprint: str
    status: int | None
    content_type: str | None
    body: str | None


def key_scope(principal_id: str, key: str) -> str:
    """The stored identity of a key: per principal, so two clients never share one."""
    return hashlib.sha256(f"{principal_id}\0{key}".encode()).hexdigest()


def fingerprint(method: str, path: str, query_string: bytes, body: bytes) -> str:
    """What "the same request" means: method, path, query and body bytes."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query_string, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass
class Claim:
    """The key a request takes in its first write transaction (a :class:`db.WriteClaim`)."""

    scope: str
    principal: str
    fingerprint: str
    ttl_ms: int
    claim_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    done: bool = False

    async def claim(self, tx: AsyncManagedTransaction) -> None:
        """Take the key inside the write's transaction; refuse the write if it is taken."""
        now = now_ms()
        count_round_trip("idempotency/claim")
        result = await tx.run(
            _CLAIM,
            scope=self.scope,
            claimId=self.claim_id,
            now=now,
            fields={
                "claimId": self.claim_id,
                "principal": self.principal,
                "fingerprint": self.fingerprint,
                "createdAt": now,
                "expiresAt": now + self.ttl_ms,
            },
        )
        row = await result.single(strict=True)
        if row["claimed"]:
            return
        if row["fingerprint"] != self.fingerprint:
            raise KeyReused(REUSED_MESSAGE)
        raise KeyPending(PENDING_MESSAGE)


async def lookup(db: Database, scope: str) -> StoredKey | None:
    """The live key with this scope, if any."""

    async def work(tx: AsyncManagedTransaction) -> StoredKey | None:
        row = await db.fetch_one(tx, "idempotency/lookup", _LOOKUP, scope=scope, now=now_ms())
        if row is None:
            return None
        return StoredKey(
            fingerprint=row["fingerprint"],
            status=row["responseStatus"],
            content_type=row["responseType"],
            body=row["responseBody"],
        )

    return await db.read(work)


async def store_answer(
    db: Database, claim: Claim, status: int, content_type: str, body: bytes
) -> bool:
    """Keep the answer of the claiming request for its retries; False when it is not kept."""
    if len(body) > MAX_STORED_ANSWER_BYTES:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False

    async def work(tx: AsyncManagedTransaction) -> bool:
        row = await db.fetch_one(
            tx,
            "idempotency/answer",
            _ANSWER,
            scope=claim.scope,
            claimId=claim.claim_id,
            responseStatus=status,
            responseType=content_type,
            responseBody=text,
        )
        return bool(row and row["stored"])

    return await db.write(work)


async def prune(db: Database, *, limit: int = 10_000) -> int:
    """Delete up to ``limit`` expired keys; returns how many."""

    async def work(tx: AsyncManagedTransaction) -> int:
        row = await db.fetch_one(tx, "idempotency/prune", _PRUNE, now=now_ms(), limit=limit)
        return int(row["pruned"]) if row else 0

    return await db.write(work)
