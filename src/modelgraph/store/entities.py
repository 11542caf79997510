"""Generic create / read / update / archive of any registry entity, as plain property dicts.

Callers (GraphQL, REST) build validated property maps (domain.graph encodings); this module adds
the common fields, enforces parents and turns missing rows into NotFound. Nothing is hard-deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from modelgraph.domain import events as event_types
from modelgraph.domain.access import EVERYONE, Action
from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import (
    PARENTS,
    Label,
    State,
    actor_id,
    check_name,
    check_server_fields,
    require_live,
    stamp_new,
)
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import Stage
from modelgraph.store import access, events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_CREATE = query("registry/create_entity")
_GET_BY_IDS = query("registry/get_by_ids")
_GET_BY_NAME = query("registry/get_by_name")
_GET_BY_EXTERNAL_ID = query("registry/get_by_external_id")
_UPDATE = query("registry/update")
_LOCK = query("registry/lock")
_ATTACH = query("registry/attach_artifact")
_CHILDREN = query("registry/children_by_parent")


async def get_tx(db: Database, tx: AsyncManagedTransaction, entity_id: str) -> Record | None:
    """One entity by id inside a transaction."""
    row = await db.fetch_one(tx, "registry/get_by_ids", _GET_BY_IDS, ids=[entity_id])
    return row["node"] if row else None


async def require_tx(
    db: Database, tx: AsyncManagedTransaction, entity_id: str, kind: Label, field: str = "id"
) -> Record:
    """One entity of ``kind`` by id inside a transaction, or NotFound."""
    node = await get_tx(db, tx, entity_id)
    if node is None or node.get("kind") != kind.value:
        raise NotFound(f"no {kind.value} with id {entity_id!r}", field=field)
    return node


async def lock_tx(db: Database, tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, Record]:
    """Write-lock entities and read them back under the lock (missing ids are absent)."""
    wanted = sorted({i for i in ids if i})
    rows = await db.fetch(tx, "registry/lock", _LOCK, ids=wanted)
    return {row["node"]["id"]: row["node"] for row in rows}


@dataclass(frozen=True)
class NewEntity:
    """An entity about to be created: its kind, its full stamped properties (with its id), and
    the parent it goes under."""

    kind: Label
    props: dict[str, Any]
    parent_id: str | None = None

    @property
    def id(self) -> str:
        return str(self.props["id"])


def new_entity(
    kind: Label, props: Mapping[str, Any], *, actor: Principal, parent_id: str | None = None
) -> NewEntity:
    """A validated new entity with its common fields and a fresh id (nothing written yet):
    what :func:`create_many_tx` writes."""
    check_server_fields(props)
    parent = PARENTS.get(kind)
    if parent is not None and parent.required and not parent_id:
        raise Invalid(f"a {kind.value} needs a parent {parent.kind.value}", field="parentId")
    if parent_id is not None and parent is None:
        raise Invalid(f"a {kind.value} has no parent", field="parentId")
    full = stamp_new(kind, new_id(), now_ms(), actor)
    full.update({k: v for k, v in props.items() if v is not None})
    full["name"] = check_name(full.get("name", full["id"]))
    if kind is Label.MODEL_VERSION:
        # Stored, not only shown: filters on stage must find new versions too.
        full.setdefault("stage", Stage.DEVELOPMENT.value)
    if parent_id is not None:
        full["parentId"] = parent_id
    return NewEntity(kind, full, parent_id)


async def create_many_tx(
    db: Database, tx: AsyncManagedTransaction, items: Sequence[NewEntity], *, actor: Principal
) -> list[Record]:
    """The one writer of new entities: kfIds, parent edges, created events and creator grants,
    one statement (``registry/create_entity``) per generation (parents before the children
    created with them); every parent must exist and be LIVE. Nodes come back in ``items`` order.
    """
    made: dict[str, Record] = {}
    pending = list(items)
    while pending:
        waiting = {item.id for item in pending}
        wave = [i for i in pending if i.parent_id is None or i.parent_id not in waiting]
        if not wave:  # fresh ids cannot form a cycle; refuse rather than loop if one did
            raise Invalid("new entities name each other as parents", field="parentId")
        written = {i.id for i in wave}
        pending = [i for i in pending if i.id not in written]
        # Adding under a parent edits it (EDIT on its model / experiment); top level is a create.
        top = [i for i in wave if i.parent_id is None]
        if top:
            await access.authorize_many_tx(db, tx, actor, Action.CREATE, [None])
        under = list(dict.fromkeys(i.parent_id for i in wave if i.parent_id is not None))
        if under:
            await access.authorize_many_tx(db, tx, actor, Action.EDIT, under)
        parents = [PARENTS.get(i.kind) if i.parent_id is not None else None for i in wave]
        # One statement: each parent is locked (an archive cannot slip in between its check and
        # the create), each node created with its event and, for a model or experiment, the
        # creator's grants (access/_creator_grants). A refused parent raises here, rolling the
        # creates back.
        rows = await db.fetch(
            tx,
            "registry/create_entity",
            _CREATE,
            rows=[
                {"props": i.props, "parentRel": p.rel.value if p is not None else None}
                for i, p in zip(wave, parents, strict=True)
            ],
            events=[events.created_row(i.kind, i.props) for i in wave],
            principal=actor_id(actor),
            at=now_ms(),
            everyone=EVERYONE,
        )
        by_index = {row["i"]: row for row in rows}
        for index, (item, parent) in enumerate(zip(wave, parents, strict=True)):
            row = by_index.get(index)
            if parent is not None:
                found = row["parent"] if row is not None else None
                if found is None or found.get("kind") != parent.kind.value:
                    raise NotFound(
                        f"no {parent.kind.value} with id {item.parent_id!r}", field="parentId"
                    )
                require_live(found, "parentId")
            if row is None:
                raise NotFound(f"parent {item.parent_id!r} not found", field="parentId")
            made[item.id] = row["node"]
    return [made[item.id] for item in items]


async def create_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    props: Mapping[str, Any],
    *,
    actor: Principal,
    parent_id: str | None = None,
) -> Record:
    """One new entity (:func:`new_entity`, :func:`create_many_tx`); the parent must be LIVE."""
    item = new_entity(kind, props, actor=actor, parent_id=parent_id)
    [node] = await create_many_tx(db, tx, [item], actor=actor)
    return node


@dataclass(frozen=True)
class Change:
    """A change to one entity: the properties to merge (None removes) and the action the calling
    writer does (approvals touch a version as APPROVE); a state change needs MANAGE."""

    kind: Label
    id: str
    props: Mapping[str, Any]
    action: Action = Action.EDIT

    @property
    def needs(self) -> Action:
        return (
            Action.MANAGE if "state" in self.props and self.action is Action.EDIT else self.action
        )


async def update_many_tx(
    db: Database, tx: AsyncManagedTransaction, changes: Sequence[Change], *, actor: Principal
) -> list[Record]:
    """The one writer of entity changes: merge each change's properties, stamp updatedAt/By and
    record its changed event, for any number of entities in one statement (``registry/update``).
    An empty change only locks and stamps; its caller records its own, more specific event.
    Nodes come back in ``changes`` order; an id naming no entity of its kind is NotFound."""
    if not changes:
        return []
    for change in changes:
        check_server_fields(change.props)
        if "name" in change.props:
            check_name(change.props["name"])
    for action in dict.fromkeys(c.needs for c in changes):
        ids = list(dict.fromkeys(c.id for c in changes if c.needs is action))
        await access.authorize_many_tx(db, tx, actor, action, ids)
    rows = await db.fetch(
        tx,
        "registry/update",
        _UPDATE,
        rows=[
            {
                "id": c.id,
                "kind": c.kind.value,
                "props": dict(c.props),
                "event": _changed_row(c) if c.props else None,
            }
            for c in changes
        ],
        principal=actor_id(actor),
        at=now_ms(),
    )
    by_index = {row["i"]: row["node"] for row in rows}
    out = []
    for index, change in enumerate(changes):
        node = by_index.get(index)
        if node is None:
            raise NotFound(f"no {change.kind.value} with id {change.id!r}", field="id")
        out.append(node)
    return out


def _changed_row(change: Change) -> dict[str, Any]:
    archived = change.props.get("state") == State.ARCHIVED.value
    return {
        "type": event_types.changed_event(change.kind, archived=archived).value,
        "payload": events.encode_payload({"changed": sorted(change.props)}),
    }


async def update_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    entity_id: str,
    props: Mapping[str, Any],
    *,
    actor: Principal,
    action: Action = Action.EDIT,
) -> Record:
    """One entity's change (:func:`update_many_tx`): merge ``props`` (None removes), stamp
    updatedAt/By, record the changed event."""
    [node] = await update_many_tx(db, tx, [Change(kind, entity_id, props, action)], actor=actor)
    return node


async def attach_tx(
    db: Database, tx: AsyncManagedTransaction, version_id: str, artifact_id: str
) -> Record:
    """The one writer attaching an existing artifact to a model version (HAS_ARTIFACT)."""
    version = (await lock_tx(db, tx, [version_id])).get(version_id)
    if version is None or version.get("kind") != Label.MODEL_VERSION.value:
        raise NotFound(f"no ModelVersion with id {version_id!r}", field="id")
    require_live(version, "id")
    row = await db.fetch_one(
        tx, "registry/attach_artifact", _ATTACH, versionId=version_id, id=artifact_id
    )
    if row is None:
        raise NotFound(f"no artifact with id {artifact_id!r}", field="id")
    node: Record = row["node"]
    return node


async def create(
    db: Database,
    kind: Label,
    props: Mapping[str, Any],
    *,
    actor: Principal,
    parent_id: str | None = None,
) -> Record:
    """Create one entity in its own transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await create_tx(db, tx, kind, props, actor=actor, parent_id=parent_id)

    return await db.write(work)


async def update(
    db: Database, kind: Label, entity_id: str, props: Mapping[str, Any], *, actor: Principal
) -> Record:
    """Update one entity in its own transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await update_tx(db, tx, kind, entity_id, props, actor=actor)

    return await db.write(work)


async def get_many_tx(
    db: Database, tx: AsyncManagedTransaction, ids: list[str]
) -> dict[str, Record]:
    """Entities by id (any kind) inside a transaction, keyed by id; missing ids are absent."""
    rows = await db.fetch(tx, "registry/get_by_ids", _GET_BY_IDS, ids=list(dict.fromkeys(ids)))
    return {row["node"]["id"]: row["node"] for row in rows}


async def get_many(db: Database, ids: list[str], *, actor: Principal) -> dict[str, Record]:
    """Entities by id (any kind) ``actor`` may read, keyed by id; missing and unreadable ids are
    absent (nested references hide what a direct read would refuse)."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Record]:
        found = await get_many_tx(db, tx, ids)
        reader = await access.reader_tx(db, tx, actor)
        hidden = await access.unreadable_tx(db, tx, reader, list(found))
        return {k: v for k, v in found.items() if k not in hidden}

    return await db.read(work)


async def get(
    db: Database, entity_id: str, kind: Label | None = None, *, actor: Principal
) -> Record | None:
    """One entity by id, optionally of a given kind; FORBIDDEN when ``actor`` may not read it."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        node = (await get_many_tx(db, tx, [entity_id])).get(entity_id)
        if node is None or (kind is not None and node.get("kind") != kind.value):
            return None
        await access.require_readable_tx(db, tx, actor, [entity_id])
        return node

    return await db.read(work)


async def get_by_name_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    name: str,
    parent_name: str | None = None,
) -> Record | None:
    """One entity by name (versions and deployments: within the parent named ``parent_name``)."""
    parent = PARENTS.get(kind)
    parent_kind = parent.kind if parent is not None else None
    row = await db.fetch_one(
        tx,
        "registry/get_by_name",
        _GET_BY_NAME,
        kind=kind.value,
        name=name,
        parentKind=parent_kind.value if parent_kind and parent_name is not None else None,
        parentName=parent_name,
    )
    return row["node"] if row else None


async def get_by_name(
    db: Database, kind: Label, name: str, parent_name: str | None = None, *, actor: Principal
) -> Record | None:
    """One entity by name in its own read transaction; FORBIDDEN when ``actor`` may not read it."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        node = await get_by_name_tx(db, tx, kind, name, parent_name)
        if node is not None:
            await access.require_readable_tx(db, tx, actor, [node["id"]])
        return node

    return await db.read(work)


async def get_by_external_id(db: Database, kind: Label, external_id: str) -> Record | None:
    """One entity by its externalId."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        row = await db.fetch_one(
            tx,
            "registry/get_by_external_id",
            _GET_BY_EXTERNAL_ID,
            kind=kind.value,
            externalId=external_id,
        )
        return row["node"] if row else None

    return await db.read(work)


async def children(
    db: Database, kinds: list[Label], parent_ids: list[str], states: list[State] | None = None
) -> dict[str, list[Record]]:
    """Children of ``kinds`` for many parents in one round trip, oldest first."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(
            tx,
            "registry/children_by_parent",
            _CHILDREN,
            parentIds=parent_ids,
            kinds=[k.value for k in kinds],
            states=[s.value for s in states] if states else None,
        )

    out: dict[str, list[Record]] = {pid: [] for pid in parent_ids}
    for row in await db.read(work):
        out[row["parentId"]].append(row["node"])
    return out


async def grouped(
    db: Database, name: str, text: LiteralString, key: str, ids: list[str], param: str
) -> dict[str, list[Record]]:
    """Rows of one batch query (``param`` = ``ids``) grouped by their ``key`` column."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(tx, name, text, **{param: ids})

    out: dict[str, list[Record]] = {i: [] for i in ids}
    for row in await db.read(work):
        out[row[key]].append(row)
    return out


async def grouped_column(
    db: Database,
    name: str,
    text: LiteralString,
    key: str,
    ids: list[str],
    param: str,
    column: str,
) -> dict[str, list[Any]]:
    """:func:`grouped`, keeping only ``column`` of each row."""
    rows = await grouped(db, name, text, key, ids, param)
    return {k: [row[column] for row in v] for k, v in rows.items()}


MAX_TAG_LENGTH = 256
MAX_TAGS = 256


def check_tags(tags: list[str], field: str = "tags") -> list[str]:
    """Tags are 1-256 characters, at most 256 per entity, duplicates dropped (order kept)."""
    unique = list(dict.fromkeys(tags))
    for tag in unique:
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise Invalid(f"tags must be 1-{MAX_TAG_LENGTH} characters", field=field)
    if len(unique) > MAX_TAGS:
        raise Invalid(f"at most {MAX_TAGS} tags", field=field)
    return unique


async def edit_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    entity_id: str,
    *,
    actor: Principal,
    set_props: Mapping[str, Any] | None = None,
    clear_prefixes: tuple[str, ...] = (),
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    replace_tags: list[str] | None = None,
) -> Record:
    """Edit any entity's properties, tags and typed maps inside ``tx``.

    ``clear_prefixes`` drops every property starting with one of them first (replace semantics);
    ``set_props`` is then merged (None values remove keys). The entity and its parent are locked
    first: concurrent edits take turns, and an archive cannot race a child, deploy or alias write.
    """
    check_server_fields(set_props or {})
    found = await get_tx(db, tx, entity_id)
    if found is None:
        raise NotFound(f"no entity with id {entity_id!r}", field="id")
    node = (await lock_tx(db, tx, [entity_id, found.get("parentId") or ""]))[entity_id]
    props: dict[str, Any] = {}
    if clear_prefixes:
        props.update({k: None for k in node if k.startswith(clear_prefixes)})
    props.update(set_props or {})
    if replace_tags is not None or add_tags or remove_tags:
        tags = list(replace_tags) if replace_tags is not None else list(node.get("tags") or [])
        tags += [t for t in add_tags or [] if t not in tags]
        tags = [t for t in tags if t not in set(remove_tags or [])]
        props["tags"] = check_tags(tags)
    return await update_tx(db, tx, Label(node["kind"]), entity_id, props, actor=actor)


async def edit(db: Database, entity_id: str, *, actor: Principal, **changes: Any) -> Record:
    """:func:`edit_tx` in its own write transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await edit_tx(db, tx, entity_id, actor=actor, **changes)

    return await db.write(work)
