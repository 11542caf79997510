"""Generic create / read / update / archive of any registry entity, as plain property dicts.

Callers (GraphQL, REST) build validated property maps (domain.graph encodings); this module adds
the common fields, enforces parents and turns missing rows into NotFound. Nothing is hard-deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import FailedPrecondition, Invalid, NotFound
from modelgraph.domain.graph import Label, State
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.registry import PARENT_KIND, PARENT_REQUIRED, Stage
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_CREATE: dict[Label, tuple[str, LiteralString]] = {
    Label.REGISTERED_MODEL: (
        "registry/create_registered_model",
        query("registry/create_registered_model"),
    ),
    Label.MODEL_VERSION: ("registry/create_model_version", query("registry/create_model_version")),
    Label.MODEL_ARTIFACT: (
        "registry/create_model_artifact",
        query("registry/create_model_artifact"),
    ),
    Label.DOC_ARTIFACT: ("registry/create_doc_artifact", query("registry/create_doc_artifact")),
    Label.DATASET: ("registry/create_dataset", query("registry/create_dataset")),
    Label.DATASET_VERSION: (
        "registry/create_dataset_version",
        query("registry/create_dataset_version"),
    ),
    Label.EXECUTION: ("registry/create_execution", query("registry/create_execution")),
    Label.EXPERIMENT: ("registry/create_experiment", query("registry/create_experiment")),
    Label.SERVING_ENVIRONMENT: (
        "registry/create_serving_environment",
        query("registry/create_serving_environment"),
    ),
    Label.DEPLOYMENT: ("registry/create_deployment", query("registry/create_deployment")),
}
_GET_BY_IDS = query("registry/get_by_ids")
_GET_BY_NAME = query("registry/get_by_name")
_GET_BY_EXTERNAL_ID = query("registry/get_by_external_id")
_UPDATE = query("registry/update")
_CHILDREN = query("registry/children_by_parent")

# Properties a caller may never set directly.
RESERVED = frozenset({"id", "kind", "createdAt", "updatedAt", "author", "updatedBy", "parentId"})


def _check_props(props: Mapping[str, Any]) -> None:
    bad = sorted(RESERVED.intersection(props))
    if bad:
        raise Invalid(f"server-managed properties cannot be set: {', '.join(bad)}", field=bad[0])


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


async def create_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    props: Mapping[str, Any],
    *,
    actor: str,
    parent_id: str | None = None,
) -> Record:
    """Create one entity inside ``tx``; the parent must exist and be LIVE."""
    _check_props(props)
    if kind in PARENT_REQUIRED and not parent_id:
        raise Invalid(f"a {kind.value} needs a parent {PARENT_KIND[kind].value}", field="parentId")
    if parent_id is not None:
        parent = await require_tx(db, tx, parent_id, PARENT_KIND[kind], field="parentId")
        if parent.get("state") == State.ARCHIVED.value:
            raise FailedPrecondition(
                f"{PARENT_KIND[kind].value} {parent_id!r} is archived; unarchive it first",
                field="parentId",
            )
    at = now_ms()
    full: dict[str, Any] = {k: v for k, v in props.items() if v is not None}
    full.setdefault("tags", [])
    full.setdefault("state", State.LIVE.value)
    if kind is Label.MODEL_VERSION:
        # Stored, not only shown: filters on stage must find new versions too.
        full.setdefault("stage", Stage.DEVELOPMENT.value)
    full.update(
        id=new_id(), kind=kind.value, createdAt=at, updatedAt=at, author=actor, updatedBy=actor
    )
    if parent_id is not None:
        full["parentId"] = parent_id
    name, text = _CREATE[kind]
    row = await db.fetch_one(tx, name, text, props=full)
    if row is None:
        raise NotFound(f"parent {parent_id!r} not found", field="parentId")
    node: Record = row["node"]
    return node


async def update_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    entity_id: str,
    props: Mapping[str, Any],
    *,
    actor: str,
) -> Record:
    """Merge ``props`` into one entity (None removes a property); bumps updatedAt/updatedBy."""
    _check_props(props)
    full = dict(props)
    full.update(updatedAt=now_ms(), updatedBy=actor)
    row = await db.fetch_one(
        tx, "registry/update", _UPDATE, id=entity_id, kind=kind.value, props=full
    )
    if row is None:
        raise NotFound(f"no {kind.value} with id {entity_id!r}", field="id")
    node: Record = row["node"]
    return node


async def create(
    db: Database,
    kind: Label,
    props: Mapping[str, Any],
    *,
    actor: str,
    parent_id: str | None = None,
) -> Record:
    """Create one entity in its own transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await create_tx(db, tx, kind, props, actor=actor, parent_id=parent_id)

    return await db.write(work)


async def update(
    db: Database, kind: Label, entity_id: str, props: Mapping[str, Any], *, actor: str
) -> Record:
    """Update one entity in its own transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await update_tx(db, tx, kind, entity_id, props, actor=actor)

    return await db.write(work)


async def set_state(
    db: Database, kind: Label, entity_id: str, state: State, *, actor: str
) -> Record:
    """Archive or unarchive (the API never hard-deletes)."""
    return await update(db, kind, entity_id, {"state": state.value}, actor=actor)


async def get_many(db: Database, ids: list[str]) -> dict[str, Record]:
    """Entities by id (any kind), keyed by id; missing ids are absent."""

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(tx, "registry/get_by_ids", _GET_BY_IDS, ids=ids)

    rows = await db.read(work)
    return {row["node"]["id"]: row["node"] for row in rows}


async def get(db: Database, entity_id: str, kind: Label | None = None) -> Record | None:
    """One entity by id, optionally of a given kind."""
    node = (await get_many(db, [entity_id])).get(entity_id)
    if node is not None and kind is not None and node.get("kind") != kind.value:
        return None
    return node


async def get_by_name_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    name: str,
    parent_name: str | None = None,
) -> Record | None:
    """One entity by name (versions and deployments: within the parent named ``parent_name``)."""
    parent_kind = PARENT_KIND.get(kind)
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
    db: Database, kind: Label, name: str, parent_name: str | None = None
) -> Record | None:
    """One entity by name in its own read transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        return await get_by_name_tx(db, tx, kind, name, parent_name)

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


async def edit(
    db: Database,
    entity_id: str,
    *,
    actor: str,
    set_props: Mapping[str, Any] | None = None,
    clear_prefixes: tuple[str, ...] = (),
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    replace_tags: list[str] | None = None,
) -> Record:
    """Edit any entity's tags and typed maps in one transaction.

    ``clear_prefixes`` drops every property starting with one of them first (replace semantics);
    ``set_props`` is then merged (None values remove keys).
    """
    if set_props:
        _check_props(set_props)

    async def work(tx: AsyncManagedTransaction) -> Record:
        found = await get_tx(db, tx, entity_id)
        if found is None:
            raise NotFound(f"no entity with id {entity_id!r}", field="id")
        # Write first, then decide from the node read back under its lock: concurrent edits of
        # one entity take turns instead of overwriting each other's tags.
        node = await update_tx(db, tx, Label(found["kind"]), entity_id, {}, actor=actor)
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

    return await db.write(work)
