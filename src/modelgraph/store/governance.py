"""Stage transitions, approvals and aliases of model versions, and metric histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Action, check_four_eyes
from modelgraph.domain.errors import FailedPrecondition, Invalid, NotFound
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import (
    METRIC_PREFIX,
    Label,
    actor_id,
    check_key,
    check_scalar,
    require_live,
)
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import ANONYMOUS_ID, Principal
from modelgraph.domain.registry import Stage, transition_allowed
from modelgraph.store import entities, events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_ADD_TRANSITION = query("registry/add_transition")
_TRANSITIONS = query("registry/transitions_by_version")
_ADD_APPROVAL = query("registry/add_approval")
_APPROVALS = query("registry/approvals_by_version")
_SET_ALIAS = query("registry/set_alias")
_REMOVE_ALIAS = query("registry/remove_alias")
_ALIASES_BY_MODEL = query("registry/aliases_by_model")
_ALIASES_BY_VERSION = query("registry/aliases_by_version")
_ADD_POINTS = query("registry/add_metric_points")
_POINTS = query("registry/metric_points_by_owner")

MAX_COMMENT_LENGTH = 65_536
MAX_ALIAS_LENGTH = 128


@dataclass(frozen=True)
class MetricPoint:
    """One metric value, optionally at a training step and a time (epoch ms)."""

    key: str
    value: float
    step: int | None = None
    timestamp: int | None = None


def _comment(comment: str | None) -> str | None:
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        raise Invalid(f"comment longer than {MAX_COMMENT_LENGTH} characters", field="comment")
    return comment


async def transition_stage(
    db: Database,
    version_id: str,
    to: Stage,
    comment: str | None,
    *,
    actor: Principal,
    require_approval: bool,
) -> Record:
    """Move a version to ``to`` if the workflow allows it; records a StageTransition."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await transition_stage_tx(
            db, tx, version_id, to, comment, actor=actor, require_approval=require_approval
        )

    return await db.write(work)


async def transition_stage_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    version_id: str,
    to: Stage,
    comment: str | None,
    *,
    actor: Principal,
    require_approval: bool,
) -> Record:
    """:func:`transition_stage` inside the caller's transaction (imports write a version whole)."""
    _comment(comment)
    await entities.require_tx(db, tx, version_id, Label.MODEL_VERSION, "versionId")
    # Write first: the lock makes concurrent transitions of one version take turns, and the
    # node read back after it is the latest committed stage.
    # Promotion to PRODUCTION is the approver's step; other moves are edits.
    action = Action.APPROVE if to is Stage.PRODUCTION else Action.EDIT
    version = await entities.update_tx(
        db, tx, Label.MODEL_VERSION, version_id, {}, actor=actor, action=action
    )
    require_live(version, "versionId")
    current = Stage(version.get("stage") or Stage.DEVELOPMENT.value)
    if not transition_allowed(current, to):
        raise FailedPrecondition(
            f"cannot move from {current.value} to {to.value}: allowed are one step forward "
            "(DEVELOPMENT→STAGING→PRODUCTION), back to DEVELOPMENT, or ARCHIVED",
            field="to",
        )
    if to is Stage.PRODUCTION and require_approval:
        rows = await db.fetch(
            tx, "registry/approvals_by_version", _APPROVALS, versionIds=[version_id]
        )
        author = version.get("author")
        # No author means no second pair of eyes can be told apart from the first.
        if (
            not author
            or author == ANONYMOUS_ID
            or not any(
                r["item"]["stage"] == Stage.PRODUCTION.value
                and r["item"]["by"] not in (author, ANONYMOUS_ID)
                for r in rows
            )
        ):
            raise FailedPrecondition(
                "PRODUCTION requires an approval for PRODUCTION by someone other than the "
                f"version's author ({author})",
                field="to",
            )
    row = await db.fetch_one(
        tx,
        "registry/add_transition",
        _ADD_TRANSITION,
        versionId=version_id,
        id=new_id(),
        fromStage=current.value,
        toStage=to.value,
        by=actor_id(actor),
        at=now_ms(),
        comment=comment,
    )
    assert row is not None
    node: Record = row["node"]
    change = {"from": current.value, "to": to.value, "comment": comment}
    await events.record(tx, EventType.MODEL_VERSION_STAGE_TRANSITIONED, version, actor, change)
    return node


async def approve(
    db: Database, version_id: str, stage: Stage, comment: str | None, *, actor: Principal
) -> Record:
    """Record an approval of a version for ``stage``."""
    _comment(comment)

    async def work(tx: AsyncManagedTransaction) -> Record:
        await entities.require_tx(db, tx, version_id, Label.MODEL_VERSION, "versionId")
        # The version records who touched it last, and its lock orders this against transitions.
        version = await entities.update_tx(
            db, tx, Label.MODEL_VERSION, version_id, {}, actor=actor, action=Action.APPROVE
        )
        if stage is Stage.PRODUCTION:
            check_four_eyes(actor, version.get("author"))
        row = await db.fetch_one(
            tx,
            "registry/add_approval",
            _ADD_APPROVAL,
            versionId=version_id,
            id=new_id(),
            stage=stage.value,
            by=actor_id(actor),
            at=now_ms(),
            comment=comment,
        )
        assert row is not None
        item: Record = row["item"]
        approval = {"stage": stage.value, "comment": comment}
        await events.record(tx, EventType.MODEL_VERSION_APPROVED, version, actor, approval)
        return item

    return await db.write(work)


def _alias(alias: str) -> str:
    if not alias or len(alias) > MAX_ALIAS_LENGTH:
        raise Invalid(f"alias must be 1-{MAX_ALIAS_LENGTH} characters", field="alias")
    return check_key(alias, "alias")


async def set_alias(
    db: Database, model_id: str, alias: str, version_id: str, *, actor: Principal
) -> Record:
    """Point ``alias`` at a version of the model; the previous holder's assignment is closed."""
    _alias(alias)

    async def work(tx: AsyncManagedTransaction) -> Record:
        await entities.require_tx(db, tx, model_id, Label.REGISTERED_MODEL, "modelId")
        await entities.require_tx(db, tx, version_id, Label.MODEL_VERSION, "versionId")
        # Both locked: concurrent alias moves take turns and an archive cannot slip in between.
        locked = await entities.lock_tx(db, tx, [model_id, version_id])
        model, version = locked[model_id], locked[version_id]
        if version.get("parentId") != model["id"]:
            raise Invalid("the version belongs to another model", field="versionId")
        require_live(model, "modelId")
        require_live(version, "versionId")
        await entities.update_tx(db, tx, Label.REGISTERED_MODEL, model_id, {}, actor=actor)
        row = await db.fetch_one(
            tx,
            "registry/set_alias",
            _SET_ALIAS,
            modelId=model_id,
            versionId=version_id,
            alias=alias,
            at=now_ms(),
            by=actor_id(actor),
        )
        assert row is not None
        item: Record = row["item"]
        moved = {"alias": alias, "versionId": version_id}
        await events.record(tx, EventType.ALIAS_SET, model, actor, moved, scope=[version_id])
        return item

    return await db.write(work)


async def remove_alias(db: Database, model_id: str, alias: str, *, actor: Principal) -> Record:
    """Close the current assignment of ``alias`` (history is kept)."""
    _alias(alias)

    async def work(tx: AsyncManagedTransaction) -> Record:
        await entities.require_tx(db, tx, model_id, Label.REGISTERED_MODEL, "modelId")
        await entities.update_tx(db, tx, Label.REGISTERED_MODEL, model_id, {}, actor=actor)
        row = await db.fetch_one(
            tx,
            "registry/remove_alias",
            _REMOVE_ALIAS,
            modelId=model_id,
            alias=alias,
            at=now_ms(),
            by=actor_id(actor),
        )
        if row is None:
            raise NotFound(f"alias {alias!r} is not set on this model", field="alias")
        item: Record = row["item"]
        model = {"id": model_id, "kind": Label.REGISTERED_MODEL.value}
        await events.record(tx, EventType.ALIAS_REMOVED, model, actor, {"alias": alias})
        return item

    return await db.write(work)


async def transitions(db: Database, version_ids: list[str]) -> dict[str, list[Record]]:
    """Stage histories of many versions in one round trip."""
    return await entities.grouped_column(
        db,
        "registry/transitions_by_version",
        _TRANSITIONS,
        "versionId",
        version_ids,
        "versionIds",
        "item",
    )


async def approvals(db: Database, version_ids: list[str]) -> dict[str, list[Record]]:
    """Approvals of many versions in one round trip."""
    return await entities.grouped_column(
        db,
        "registry/approvals_by_version",
        _APPROVALS,
        "versionId",
        version_ids,
        "versionIds",
        "item",
    )


async def aliases_by_model(db: Database, model_ids: list[str]) -> dict[str, list[Record]]:
    """Alias assignments (current and past) of many models in one round trip."""
    return await entities.grouped_column(
        db, "registry/aliases_by_model", _ALIASES_BY_MODEL, "modelId", model_ids, "modelIds", "item"
    )


async def aliases_by_version(db: Database, version_ids: list[str]) -> dict[str, list[str]]:
    """Current alias names of many versions in one round trip."""
    return await entities.grouped_column(
        db,
        "registry/aliases_by_version",
        _ALIASES_BY_VERSION,
        "versionId",
        version_ids,
        "versionIds",
        "alias",
    )


def check_points(points: list[MetricPoint], field: str = "metrics") -> list[MetricPoint]:
    """Keys and values of metric points must be storable."""
    for index, point in enumerate(points):
        where = f"{field}[{index}]"
        check_key(point.key, where)
        check_scalar(float(point.value), where)
    return points


async def record_metrics_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    kind: Label,
    owner_id: str,
    points: list[MetricPoint],
    *,
    actor: Principal,
) -> Record:
    """Append points to the owner's history and set the latest value of each key (``m.<key>``)."""
    node = await entities.update_tx(db, tx, kind, owner_id, latest_values(points), actor=actor)
    await append_points_tx(db, tx, owner_id, points)
    return node


def latest_values(points: list[MetricPoint]) -> dict[str, float]:
    """The owner's properties for ``points``: the latest value of each key, as ``m.<key>``
    (a writer creating the owner sets them at once, then appends the points)."""
    latest: dict[str, float] = {}
    for point in sorted(points, key=lambda p: (p.step or 0, p.timestamp or 0)):
        latest[METRIC_PREFIX + point.key] = float(point.value)
    return latest


async def append_points_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    owner_id: str | None,
    points: list[MetricPoint],
    extra: Mapping[str, Any] | None = None,
) -> list[Record]:
    """:func:`append_points_many_tx` for one owner."""
    [written] = await append_points_many_tx(db, tx, [(owner_id, points)], extra)
    return written


async def append_points_many_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    owned: Sequence[tuple[str | None, list[MetricPoint]]],
    extra: Mapping[str, Any] | None = None,
) -> list[list[Record]]:
    """The one writer of metric history: MetricPoint records (with kfIds) under their owners,
    every owner's points in one statement; each owner's written records, in ``owned`` order."""
    rows = [
        {
            **(extra or {}),
            "ownerId": owner_id,
            "id": new_id(),
            "key": p.key,
            "value": float(p.value),
            "step": p.step,
            "timestamp": p.timestamp,
        }
        for owner_id, points in owned
        for p in points
    ]
    if not rows:
        return [[] for _ in owned]
    found = await db.fetch(tx, "registry/add_metric_points", _ADD_POINTS, points=rows, at=now_ms())
    by_owner: dict[str | None, list[Record]] = {}
    for row in found:
        by_owner.setdefault(row["ownerId"], []).append(row["node"])
    for owner_id, points in owned:
        if points and owner_id not in by_owner:
            raise NotFound(f"no entity with id {owner_id!r}", field="id")
    return [by_owner.get(owner_id, []) if points else [] for owner_id, points in owned]


async def metric_points(db: Database, owner_ids: list[str]) -> dict[str, list[Record]]:
    """Metric histories of many owners in one round trip."""
    return await entities.grouped_column(
        db, "registry/metric_points_by_owner", _POINTS, "ownerId", owner_ids, "ownerIds", "point"
    )


async def log_metrics(
    db: Database, owner_id: str, points: list[MetricPoint], *, actor: Principal
) -> Record:
    """Append metric points to a model version or execution (one transaction)."""
    check_points(points)

    async def work(tx: AsyncManagedTransaction) -> Record:
        owner = await entities.get_tx(db, tx, owner_id)
        if owner is None:
            raise NotFound(f"no entity with id {owner_id!r}", field="id")
        kind = Label(owner["kind"])
        if kind not in (Label.MODEL_VERSION, Label.EXECUTION):
            raise Invalid("metrics belong to model versions and executions", field="id")
        return await record_metrics_tx(db, tx, kind, owner_id, points, actor=actor)

    return await db.write(work)


async def write_entity(
    db: Database,
    kind: Label,
    props: dict[str, Any],
    points: list[MetricPoint],
    *,
    actor: Principal,
    entity_id: str | None = None,
    parent_id: str | None = None,
) -> Record:
    """Create (no ``entity_id``) or update an entity and append metric points (one transaction)."""
    check_points(points)

    async def work(tx: AsyncManagedTransaction) -> Record:
        if entity_id is None:
            node = await entities.create_tx(db, tx, kind, props, actor=actor, parent_id=parent_id)
        else:
            node = await entities.update_tx(db, tx, kind, entity_id, props, actor=actor)
        if points:
            node = await record_metrics_tx(db, tx, kind, node["id"], points, actor=actor)
        return node

    return await db.write(work)
