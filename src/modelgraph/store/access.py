"""API tokens, per-resource grants and the audit log in Neo4j; ``authorize_tx`` for the writers.

Writers and readers call :func:`authorize_tx` once, inside their own transaction, before they
change or return anything; a new model or experiment gets the creator's MANAGE and the default
grant in the statement that creates it (``access/_creator_grants``, run by entities.create_tx
and the bulk loader). The audit log is the change-event outbox (store/events.py): every writer
records its event there, so there is one record per change.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import (
    EVERYONE,
    Action,
    Forbidden,
    Grant,
    Permission,
    Scope,
    SubjectType,
    decide,
    unrestricted,
)
from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import Label
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store import events
from modelgraph.store.cypher import query
from modelgraph.store.db import BACKFILL_BATCH, Database, Record

_CREATE_TOKEN = query("access/create_token")
_TOKEN_BY_HASH = query("access/token_by_hash")
_LIST_TOKENS = query("access/list_tokens")
_REVOKE_TOKEN = query("access/revoke_token")
_SCOPE_OF = query("access/scope_of")
_SET_GRANT = query("access/set_grant")
_REMOVE_GRANT = query("access/remove_grant")
_GRANTS = query("access/grants_by_resource")
_AUDIT = query("access/audit_log")
_SET_DEFAULT = query("access/set_default_permission")
_HIDDEN_SCOPES = query("access/hidden_scopes")
_UNREADABLE = query("access/unreadable")
_SYNC_RESTRICTED = query("access/sync_restricted")
_SYNC_RESTRICTED_ALL = query("access/sync_restricted_all")
_SERVED_VERSIONS = query("access/served_versions")

TOKEN_PREFIX = "mgt_"  # makes leaked tokens easy to find with secret scanners
SCOPED_KINDS = (Label.REGISTERED_MODEL.value, Label.EXPERIMENT.value)
MAX_AUDIT = 1000


def hash_secret(secret: str) -> str:
    """Tokens are 256 random bits, so an unsalted SHA-256 is enough to make the store useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown once and never stored."""

    secret: str
    token: Record


async def create_token(
    db: Database,
    name: str,
    principal: str,
    roles: list[str],
    expires_at: int | None,
    *,
    actor: Principal,
) -> IssuedToken:
    """Mint an API token acting as ``principal`` with ``roles``."""
    if not name or len(name) > 200:
        raise Invalid("a token name is 1-200 characters", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

    async def work(tx: AsyncManagedTransaction) -> Record:
        decide(actor, Action.ADMIN)
        row = await db.fetch_one(
            tx,
            "access/create_token",
            _CREATE_TOKEN,
            id=new_id(),
            name=name,
            hash=hash_secret(secret),
            principal=principal,
            roles=sorted(set(roles)),
            at=now_ms(),
            by=actor.id,
            expiresAt=expires_at,
        )
        assert row is not None
        token: Record = row["token"]
        await events.record(tx, EventType.API_TOKEN_CREATED, token, actor, {"name": name})
        return token

    return IssuedToken(secret, await db.write(work))


async def token_principal(db: Database, secret: str) -> Record | None:
    """The live token for a presented secret (stamping its last use), or None."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        row = await db.fetch_one(
            tx, "access/token_by_hash", _TOKEN_BY_HASH, hash=hash_secret(secret), now=now_ms()
        )
        return row["token"] if row else None

    return await db.write(work)


async def list_tokens(db: Database, *, actor: Principal) -> list[Record]:
    """Every token (admins)."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        decide(actor, Action.ADMIN)
        rows = await db.fetch(tx, "access/list_tokens", _LIST_TOKENS, principal=None)
        return [row["token"] for row in rows]

    return await db.read(work)


async def revoke_token(db: Database, ref: str, *, actor: Principal) -> Record:
    """Revoke a token by id or name."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        decide(actor, Action.ADMIN)
        row = await db.fetch_one(tx, "access/revoke_token", _REVOKE_TOKEN, ref=ref, at=now_ms())
        if row is None:
            raise NotFound(f"no token {ref!r}", field="token")
        token: Record = row["token"]
        await events.record(tx, EventType.API_TOKEN_REVOKED, token, actor, {"name": token["name"]})
        return token

    return await db.write(work)


def _grant(resource_id: str, raw: Record) -> Grant:
    return Grant(
        resource_id,
        SubjectType(raw["subjectType"]),
        raw["subject"],
        Permission(raw["permission"]),
    )


async def scopes_tx(
    db: Database, tx: AsyncManagedTransaction, entity_ids: Sequence[str]
) -> dict[str, tuple[Record, list[Scope]]]:
    """Each existing entity's kind/author row and the models or experiments governing it (an
    empty list: ungoverned), by id, in one round trip; ids that name no entity are absent."""
    rows = await db.fetch(tx, "access/scope_of", _SCOPE_OF, ids=list(dict.fromkeys(entity_ids)))
    return {
        row["id"]: (
            row,
            [
                Scope(
                    s["id"],
                    s["kind"],
                    tuple(_grant(s["id"], g) for g in s["grants"] if g.get("subject")),
                )
                for s in row["scopes"]
            ],
        )
        for row in rows
    }


async def authorize_many_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    principal: Principal,
    action: Action,
    entity_ids: Sequence[str | None],
) -> dict[str, Record]:
    """The one permission check: the role, then the grant on each model or experiment governing
    each entity, for any number of entities in one round trip.

    An id is what is changed or read (for a create: the parent, or None at top level). A missing
    entity has no scope: the role check still runs and the writer reports NotFound. Returns the
    existing entities' kind/author rows by id (none when :func:`decide` allows everything: such a
    principal costs no query; writers check existence themselves).
    """
    ids = [i for i in entity_ids if i is not None]
    if not ids or unrestricted(principal):
        decide(principal, action)
        return {}
    found = await scopes_tx(db, tx, ids)
    decide(principal, action)
    for _, scopes in found.values():
        for scope in scopes:
            decide(principal, action, scope)
    return {entity_id: row for entity_id, (row, _) in found.items()}


async def authorize_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    principal: Principal,
    action: Action,
    entity_id: str | None = None,
    *,
    need_row: bool = False,
) -> Record | None:
    """:func:`authorize_many_tx` for one entity; with ``need_row`` the entity's kind/author row
    when it exists (fetched even for a principal allowed everything)."""
    if entity_id is not None and need_row and unrestricted(principal):
        decide(principal, action)
        found = (await scopes_tx(db, tx, [entity_id])).get(entity_id)
        return found[0] if found is not None else None
    return (await authorize_many_tx(db, tx, principal, action, [entity_id])).get(entity_id or "")


@dataclass(frozen=True)
class Reader:
    """What one principal may read, as the parameters of the ``access/_readable`` fragment.

    Every list, search, count, lineage redaction and direct read of a transaction uses the same
    Reader, so they agree; ``read_all`` skips the rule in Cypher at no cost.
    """

    read_all: bool
    hidden_scopes: tuple[str, ...] = ()

    def parameters(self) -> dict[str, Any]:
        """``$readAll`` and ``$hiddenScopes`` for a query that includes ``access/_readable``."""
        return {"readAll": self.read_all, "hiddenScopes": list(self.hidden_scopes)}


READ_ALL = Reader(read_all=True)


async def reader_tx(db: Database, tx: AsyncManagedTransaction, principal: Principal) -> Reader:
    """The principal's Reader: role check, then the restricted scopes it holds no grant on.

    One small lookup, proportional to the number of restricted models and experiments; none at
    all for admins and local mode. Nothing restricted for this principal means ``read_all``.
    """
    decide(principal, Action.READ)
    if unrestricted(principal):
        return READ_ALL
    row = await db.fetch_one(
        tx,
        "access/hidden_scopes",
        _HIDDEN_SCOPES,
        user=principal.id,
        groups=sorted({*principal.groups, EVERYONE}),
    )
    hidden = tuple(row["ids"]) if row else ()
    return Reader(read_all=not hidden, hidden_scopes=hidden)


async def unreadable_tx(
    db: Database, tx: AsyncManagedTransaction, reader: Reader, ids: list[str]
) -> set[str]:
    """Which of ``ids`` the reader may not see (no query when it reads everything)."""
    if reader.read_all or not ids:
        return set()
    rows = await db.fetch(tx, "access/unreadable", _UNREADABLE, ids=ids, **reader.parameters())
    return {row["id"] for row in rows}


def refuse_unreadable(denied: set[str]) -> None:
    """FORBIDDEN (missing READ) when a direct read names an entity the reader may not see.

    Direct reads answer FORBIDDEN rather than not-found, like MLflow: lineage placeholders show
    that the entity exists anyway, so hiding it here would only make the two answers disagree.
    """
    if denied:
        raise Forbidden(
            f"reading {sorted(denied)[0]!r} needs READ on its registered model or experiment",
            missing=f"permission:{Permission.READ.value}",
        )


async def require_readable_tx(
    db: Database, tx: AsyncManagedTransaction, principal: Principal, ids: list[str]
) -> Reader:
    """A direct read of ``ids``: the principal's Reader, or FORBIDDEN."""
    reader = await reader_tx(db, tx, principal)
    refuse_unreadable(await unreadable_tx(db, tx, reader, ids))
    return reader


async def sync_restricted_tx(db: Database, tx: AsyncManagedTransaction, resource_id: str) -> None:
    """Keep the :ReadRestricted label (no grant for everyone) true after a grant change."""
    await db.fetch(
        tx, "access/sync_restricted", _SYNC_RESTRICTED, resourceId=resource_id, everyone=EVERYONE
    )


async def sync_restricted_all(db: Database, batch: int = BACKFILL_BATCH) -> int:
    """Backfill the label over every model and experiment (migrate); idempotent, ``batch`` per
    transaction. Returns how many it newly marked restricted."""

    async def work(tx: AsyncManagedTransaction) -> tuple[int, int]:
        row = await db.fetch_one(
            tx, "access/sync_restricted_all", _SYNC_RESTRICTED_ALL, everyone=EVERYONE, batch=batch
        )
        assert row is not None  # an aggregate: one row
        return int(row["restricted"]), int(row["changed"])

    return await db.write_in_batches(work)


async def authorize_webhook_tx(
    db: Database, tx: AsyncManagedTransaction, principal: Principal, scope_id: str | None
) -> None:
    """Managing a webhook needs MANAGE on its scope; an unscoped one (every event) needs admin."""
    action = Action.MANAGE if scope_id is not None else Action.ADMIN
    await authorize_tx(db, tx, principal, action, scope_id)


async def authorize_undeploy_tx(
    db: Database, tx: AsyncManagedTransaction, principal: Principal, deployment_id: str
) -> None:
    """Stopping a deployment edits what it serves: EDIT on the deployment and, as deploying
    needed, on the model of every version it serves now."""
    await authorize_tx(db, tx, principal, Action.EDIT, deployment_id)
    row = await db.fetch_one(
        tx, "access/served_versions", _SERVED_VERSIONS, deploymentId=deployment_id
    )
    for version_id in row["ids"] if row else []:
        await authorize_tx(db, tx, principal, Action.EDIT, version_id)


async def _set_grant_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    resource_id: str,
    subject_type: SubjectType,
    subject: str,
    permission: str,
    actor: Principal,
) -> Record:
    row = await db.fetch_one(
        tx,
        "access/set_grant",
        _SET_GRANT,
        resourceId=resource_id,
        subjectType=subject_type.value,
        subject=subject,
        permission=Permission(permission).value,
        by=actor.id,
        at=now_ms(),
    )
    if row is None:
        raise NotFound(
            f"no registered model or experiment with id {resource_id!r}", field="resourceId"
        )
    grant: Record = row["grant"]
    return grant


async def set_grant(
    db: Database,
    resource_id: str,
    subject_type: SubjectType,
    subject: str,
    permission: Permission | None,
    *,
    actor: Principal,
) -> Record | None:
    """Grant, change or (``permission=None``) remove a permission; needs MANAGE there."""
    if not subject:
        raise Invalid("a grant needs a subject", field="subject")

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        row = await authorize_tx(db, tx, actor, Action.MANAGE, resource_id, need_row=True)
        if row is None or row["kind"] not in SCOPED_KINDS:
            raise Invalid(
                "permissions are set on registered models and experiments", field="resourceId"
            )
        change = {
            "subjectType": subject_type.value,
            "subject": subject,
            "permission": permission.value if permission else None,
        }
        resource = {"id": resource_id, "kind": row["kind"]}
        await events.record(tx, EventType.PERMISSION_SET, resource, actor, change)
        if permission is None:
            await db.fetch(
                tx,
                "access/remove_grant",
                _REMOVE_GRANT,
                resourceId=resource_id,
                subjectType=subject_type.value,
                subject=subject,
            )
            await sync_restricted_tx(db, tx, resource_id)
            return None
        grant = await _set_grant_tx(
            db, tx, resource_id, subject_type, subject, permission.value, actor
        )
        await sync_restricted_tx(db, tx, resource_id)
        return grant

    return await db.write(work)


async def set_default_permission(
    db: Database, permission: Permission | None, *, actor: Principal
) -> str:
    """Set what everyone gets on new models and experiments (None: nothing); admins only."""

    async def work(tx: AsyncManagedTransaction) -> str:
        decide(actor, Action.ADMIN)
        value = permission.value if permission else "NONE"
        await db.fetch(
            tx,
            "access/set_default_permission",
            _SET_DEFAULT,
            permission=value,
            by=actor.id,
            at=now_ms(),
        )
        setting = {"id": "default", "kind": "AccessSettings"}
        await events.record(tx, EventType.DEFAULT_PERMISSION_SET, setting, actor, {"value": value})
        return value

    return await db.write(work)


async def grants(db: Database, resource_id: str, *, actor: Principal) -> list[Record]:
    """Grants of one registered model or experiment (whoever may read it may see them)."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        await require_readable_tx(db, tx, actor, [resource_id])
        rows = await db.fetch(tx, "access/grants_by_resource", _GRANTS, resourceIds=[resource_id])
        return [row["grant"] for row in rows]

    return await db.read(work)


async def audit_log(
    db: Database,
    *,
    actor: Principal,
    principal: str | None = None,
    entity_id: str | None = None,
    event_type: EventType | None = None,
    since: int | None = None,
    until: int | None = None,
    limit: int = 100,
) -> list[Record]:
    """Who did what, newest first (admins only)."""
    if not 1 <= limit <= MAX_AUDIT:
        raise Invalid(f"limit must be 1-{MAX_AUDIT}", field="limit")

    async def work(tx: AsyncManagedTransaction) -> list[Any]:
        decide(actor, Action.ADMIN)
        rows = await db.fetch(
            tx,
            "access/audit_log",
            _AUDIT,
            principal=principal,
            entityId=entity_id,
            type=event_type.value if event_type else None,
            since=since,
            until=until,
            limit=limit,
        )
        return [row["event"] for row in rows]

    return await db.read(work)
