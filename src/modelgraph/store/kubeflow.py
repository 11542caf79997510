"""What the Kubeflow-compatible REST API adds on top of the shared writers.

Kubeflow resources map onto docs/graph-model.md nodes and are written by the same store
functions every face uses (entities, serving, executions, governance). This module keeps only
what Kubeflow adds: numeric ids (``kfId``) and their lookup, keyset page tokens, metric and
parameter records, and the plan one REST request executes in one transaction.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import (
    KF_OWNER_KINDS,
    PARENTS,
    Label,
    RecordKind,
    Rel,
    check_server_fields,
    require_live,
)
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store import access, entities, executions, governance, serving
from modelgraph.store.cypher import query
from modelgraph.store.db import BACKFILL_BATCH, Database, Record
from modelgraph.store.listing import Filter, to_dnf

_GET_NODE = query("kubeflow/get_node")
_UPDATE_RECORD = query("kubeflow/update_record")
_FIND_ENTITIES = query("kubeflow/find_entities")
_FIND_ARTIFACTS = query("kubeflow/find_artifacts")
_ATTACH_RECORD = query("kubeflow/attach_record")
_CREATE_PARAMETER = query("kubeflow/create_parameter")
_ARTIFACT_PAGE = query("kubeflow/artifact_page")
_ENTITY_PAGE = query("kubeflow/entity_page")
_SERVE_PAGE = query("kubeflow/serve_page")
_ASSIGN_IDS = query("kubeflow/assign_ids")
_OWNER_ARTIFACT_PAGE = query("kubeflow/owner_artifact_page")
_RUN_METRIC_PAGE = query("kubeflow/run_metric_page")
_KF_ID = re.compile(r"[1-9][0-9]{0,18}")

OWNER_KINDS = tuple(k.value for k in KF_OWNER_KINDS)
RECORD_KINDS = (RecordKind.METRIC_POINT.value, RecordKind.PARAMETER.value)
_INPUT_ROLE = "input"


@dataclass(frozen=True)
class Ref:
    """An id the request names that must exist with one of ``kinds``."""

    id: str
    kinds: tuple[str, ...]
    field: str
    in_path: bool = False


@dataclass(frozen=True)
class Attach:
    """Attach the node to an owner (model version or experiment run, by Kubeflow id); a metric
    or parameter also sets ``owner_props`` (the owner's latest ``m.<key>`` / ``hp.<key>``)."""

    owner_id: str
    owner_props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Deploy:
    """Make a Deployment serve ``version_id`` (Kubeflow id), or nothing, from now on."""

    version_id: str | None
    serving: bool


@dataclass
class NewNode:
    """Everything one create request writes."""

    kind: str
    props: dict[str, Any]
    parent: Ref | None = None
    refs: list[Ref] = field(default_factory=list)
    attach: Attach | None = None
    dataset: str | None = None  # the Dataset (by name) a dataset-artifact's version hangs under
    deploy: Deploy | None = None


def parse_kf_id(text: str) -> int | None:
    """A Kubeflow id (decimal, 1..2^63) as an int; None when it cannot be one."""
    if not _KF_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value < 2**63 else None


async def _get(
    db: Database,
    tx: AsyncManagedTransaction,
    kf_id: str,
    kinds: tuple[str, ...],
    reader: access.Reader = access.READ_ALL,
) -> Record | None:
    """The node, None when missing; FORBIDDEN when ``reader`` may not read it (writers pass
    no reader: they authorize the change themselves)."""
    number = parse_kf_id(kf_id)
    if number is None:
        return None
    row = await db.fetch_one(
        tx,
        "kubeflow/get_node",
        _GET_NODE,
        kfId=number,
        kinds=list(kinds),
        **reader.parameters(),
    )
    if row is None:
        return None
    if not row["readable"]:
        access.refuse_unreadable({row["node"]["id"]})
    return dict(row["node"])


async def _require(
    db: Database, tx: AsyncManagedTransaction, ref: Ref, reader: access.Reader = access.READ_ALL
) -> Record:
    node = await _get(db, tx, ref.id, ref.kinds, reader)
    if node is None:
        kinds = "/".join(ref.kinds)
        if ref.in_path:
            raise NotFound(f"no {kinds} with id {ref.id!r}", field=ref.field)
        raise NotFound(f"{ref.field} {ref.id!r} does not name an existing {kinds}", field=ref.field)
    return node


async def assign_ids(db: Database, batch: int = BACKFILL_BATCH) -> int:
    """Backfill kfIds on graphs written before every writer stamped them (idempotent; migrate),
    ``batch`` items per part and transaction; returns the ids given to nodes and serve records."""

    async def work(tx: AsyncManagedTransaction) -> tuple[int, int]:
        row = await db.fetch_one(tx, "kubeflow/assign_ids", _ASSIGN_IDS, batch=batch)
        assert row is not None  # every part aggregates: one row
        given = int(row["assigned"]) + int(row["served"])
        return given, given + int(row["linked"]) + int(row["filled"])

    return await db.write_in_batches(work)


async def get(
    db: Database, kf_id: str, kinds: tuple[str, ...], *, actor: Principal
) -> Record | None:
    """One node by Kubeflow id if its kind is one of ``kinds``; FORBIDDEN if ``actor`` may not
    read it."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        return await _get(db, tx, kf_id, kinds, await access.reader_tx(db, tx, actor))

    return await db.read(work)


async def _owner(db: Database, tx: AsyncManagedTransaction, attach: Attach) -> Record:
    owner = await _require(db, tx, Ref(attach.owner_id, OWNER_KINDS, "id", True))
    if owner["kind"] == Label.MODEL_VERSION.value:
        require_live(owner, "id")
    return owner


async def _attach(
    db: Database,
    tx: AsyncManagedTransaction,
    node: Record,
    owner: Record,
    attach: Attach,
    actor: Principal,
) -> None:
    """Link ``node`` to its owner through the shared writers (records: HAS_METRIC/PARAMETER)."""
    kind = node["kind"]
    if kind in RECORD_KINDS:
        rel = Rel.HAS_METRIC if kind == RecordKind.METRIC_POINT.value else Rel.HAS_PARAMETER
        await db.fetch(
            tx,
            "kubeflow/attach_record",
            _ATTACH_RECORD,
            id=node["id"],
            ownerId=owner["id"],
            rel=rel.value,
        )
        if attach.owner_props:
            owner_kind = Label(owner["kind"])
            await entities.update_tx(
                db, tx, owner_kind, owner["id"], attach.owner_props, actor=actor
            )
    elif owner["kind"] == Label.MODEL_VERSION.value:
        await entities.attach_tx(db, tx, owner["id"], node["id"])
    elif kind == Label.DATASET_VERSION.value:
        await executions.link_tx(
            db, tx, owner["id"], inputs=[(node["id"], _INPUT_ROLE)], actor=actor
        )
    else:
        await executions.link_tx(db, tx, owner["id"], outputs=[node["id"]], actor=actor)


async def _deploy(
    db: Database, tx: AsyncManagedTransaction, deployment_id: str, deploy: Deploy, actor: Principal
) -> Record | None:
    """Serve the named version through serving.deploy_tx, or stop serving (undeploy_tx)."""
    if deploy.serving and deploy.version_id:
        version = await _require(
            db, tx, Ref(deploy.version_id, (Label.MODEL_VERSION.value,), "modelVersionId")
        )
        node, _ = await serving.deploy_tx(db, tx, deployment_id, version["id"], actor=actor)
        return node
    if not deploy.serving:
        return await serving.undeploy_tx(db, tx, deployment_id, actor=actor)
    return None


async def _create_record(
    db: Database,
    tx: AsyncManagedTransaction,
    plan: NewNode,
    owner: Record | None,
    actor: Principal,
) -> Record:
    props = dict(plan.props)
    owner_id = owner["id"] if owner else None
    if plan.kind == RecordKind.METRIC_POINT.value:
        point = governance.MetricPoint(
            props.pop("key"), props.pop("value"), props.pop("step"), props.pop("timestamp")
        )
        [node] = await governance.append_points_tx(db, tx, owner_id, [point], extra=props)
    else:
        at = now_ms()
        props.update(id=new_id(), kind=plan.kind, createdAt=at, updatedAt=at)
        row = await db.fetch_one(
            tx, "kubeflow/create_parameter", _CREATE_PARAMETER, props=props, ownerId=owner_id
        )
        assert row is not None
        node = row["node"]
    if owner is not None and plan.attach is not None and plan.attach.owner_props:
        owner_kind = Label(owner["kind"])
        await entities.update_tx(
            db, tx, owner_kind, owner["id"], plan.attach.owner_props, actor=actor
        )
    return dict(node)


async def create(db: Database, plan: NewNode, *, actor: Principal) -> Record:
    """Execute one create request in one write transaction; references are checked first."""
    check_server_fields(plan.props)

    async def work(tx: AsyncManagedTransaction) -> Record:
        for ref in plan.refs:
            await _require(db, tx, ref)
        owner = await _owner(db, tx, plan.attach) if plan.attach is not None else None
        if plan.kind in RECORD_KINDS:
            return await _create_record(db, tx, plan, owner, actor)
        parent_id = None
        if plan.parent is not None:
            parent_id = (await _require(db, tx, plan.parent))["id"]
        if plan.dataset is not None:
            dataset = await entities.get_by_name_tx(db, tx, Label.DATASET, plan.dataset)
            if dataset is None:
                dataset = await entities.create_tx(
                    db, tx, Label.DATASET, {"name": plan.dataset}, actor=actor
                )
            parent_id = dataset["id"]
        try:
            node = await entities.create_tx(
                db, tx, Label(plan.kind), plan.props, actor=actor, parent_id=parent_id
            )
        except (NotFound, Invalid) as exc:
            if plan.parent is not None and exc.field == "parentId":
                exc.field = plan.parent.field
            raise
        if owner is not None and plan.attach is not None:
            await _attach(db, tx, node, owner, plan.attach, actor)
        if plan.deploy is not None:
            node = await _deploy(db, tx, node["id"], plan.deploy, actor) or node
        return dict(node)

    return await db.write(work)


# Computes follow-up edge changes from the updated node; pure (transactions may be retried).
Followup = Callable[[Record], tuple[Attach | None, Deploy | None]]


async def update(
    db: Database,
    kf_id: str,
    kinds: tuple[str, ...],
    props: Mapping[str, Any],
    *,
    actor: Principal,
    clear_prefixes: tuple[str, ...] = (),
    refs: list[Ref] | None = None,
    followup: Followup | None = None,
) -> Record:
    """Apply a PATCH (and its follow-ups: attach, deploy) to one node in one write transaction."""
    check_server_fields(props)

    async def work(tx: AsyncManagedTransaction) -> Record:
        current = await _require(db, tx, Ref(kf_id, kinds, "id", in_path=True))
        for ref in refs or []:
            await _require(db, tx, ref)
        if current["kind"] in RECORD_KINDS:
            changes = {k: None for k in current if k.startswith(clear_prefixes)}
            changes.update(props)
            row = await db.fetch_one(
                tx,
                "kubeflow/update_record",
                _UPDATE_RECORD,
                id=current["id"],
                props=changes,
                at=now_ms(),
            )
            assert row is not None
            node = dict(row["node"])
        else:
            node = dict(
                await entities.edit_tx(
                    db,
                    tx,
                    current["id"],
                    actor=actor,
                    set_props=props,
                    clear_prefixes=clear_prefixes if clear_prefixes else (),
                )
            )
        if followup is not None:
            attach, deploy = followup(node)
            if attach is not None:
                await _attach(db, tx, node, await _owner(db, tx, attach), attach, actor)
            if deploy is not None:
                node = dict(await _deploy(db, tx, node["id"], deploy, actor) or node)
        return node

    return await db.write(work)


async def find(
    db: Database,
    kinds: tuple[str, ...],
    *,
    name: str | None,
    external_id: str | None,
    parent_id: str | None,
    artifacts: bool,
    actor: Principal,
) -> Record | None:
    """The one node a find endpoint names; several matches are INVALID_ARGUMENT (ambiguous);
    FORBIDDEN when ``actor`` may not read it."""
    if name is None and external_id is None and parent_id is None:
        raise Invalid("give name, externalId or parentResourceId", field="name")

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        reader = await access.reader_tx(db, tx, actor)
        parent = None
        if parent_id is not None:
            spec = None if artifacts else PARENTS.get(Label(kinds[0]))
            parent_kinds = OWNER_KINDS if artifacts else (spec.kind.value,) if spec else ()
            parent = await _get(db, tx, parent_id, parent_kinds, reader)
            if parent is None:
                return []
        if artifacts:
            rows = await db.fetch(
                tx,
                "kubeflow/find_artifacts",
                _FIND_ARTIFACTS,
                kinds=list(kinds),
                name=name,
                externalId=external_id,
                ownerId=parent["id"] if parent else None,
                **reader.parameters(),
            )
        else:
            rows = await db.fetch(
                tx,
                "kubeflow/find_entities",
                _FIND_ENTITIES,
                kind=kinds[0],
                name=name,
                externalId=external_id,
                parentId=parent["id"] if parent else None,
                **reader.parameters(),
            )
        if len(rows) == 1:
            access.refuse_unreadable(set() if rows[0]["readable"] else {rows[0]["node"]["id"]})
        return [dict(row["node"]) for row in rows]

    nodes: list[Record] = await db.read(work)
    if len(nodes) > 1:
        raise Invalid("more than one resource matches: add name or parentResourceId", field="name")
    return nodes[0] if nodes else None


class KfSort(StrEnum):
    """Kubeflow orderings; each maps to one fixed node property."""

    CREATED = "createdAt"
    UPDATED = "updatedAt"
    ID = "kfId"


@dataclass(frozen=True)
class PageToken:
    """Keyset position: the sort value and internal id of the last item returned."""

    sort: KfSort
    value: int
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.sort.value, self.value, self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode(token: str, sort: KfSort) -> PageToken:
        """Parse a token; a malformed one or one from another ordering is INVALID_ARGUMENT."""
        try:
            padded = token + "=" * (-len(token) % 4)
            key, value, node_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError) as exc:
            raise Invalid("malformed nextPageToken", field="nextPageToken") from exc
        if key != sort.value:
            raise Invalid("nextPageToken belongs to another orderBy", field="nextPageToken")
        if not isinstance(node_id, str) or not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("malformed nextPageToken", field="nextPageToken")
        return PageToken(sort, value, node_id)


@dataclass(frozen=True)
class PageRequest:
    """What a list endpoint asks for."""

    first: int
    sort: KfSort
    descending: bool
    after: PageToken | None
    filter: Filter | None


@dataclass(frozen=True)
class Page:
    """One page of nodes and the token of the next one (None at the end)."""

    nodes: list[Record]
    next_token: str | None


def _page_params(req: PageRequest) -> dict[str, Any]:
    return {
        "dnf": [
            [{"prop": p.prop, "op": p.op.value, "value": p.value, "neg": p.negate} for p in conj]
            for conj in to_dnf(req.filter)
        ],
        "sortKey": req.sort.value,
        "desc": req.descending,
        "afterValue": req.after.value if req.after else None,
        "afterId": req.after.id if req.after else None,
        "limit": req.first + 1,
    }


def _page(rows: list[Record], req: PageRequest) -> Page:
    nodes = [dict(row["node"]) for row in rows[: req.first]]
    token = None
    if len(rows) > req.first and nodes:
        last = nodes[-1]
        token = PageToken(req.sort, int(last[req.sort.value]), last["id"]).encode()
    return Page(nodes, token)


async def entity_page(
    db: Database,
    kind: str,
    req: PageRequest,
    parent: tuple[str, tuple[str, ...]] | None = None,
    *,
    actor: Principal,
) -> Page:
    """A keyset page of the entities of one kind ``actor`` may read, optionally under a parent
    named by Kubeflow id (FORBIDDEN when the parent is unreadable)."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        reader = await access.reader_tx(db, tx, actor)
        params.update(reader.parameters())
        parent_id = None
        if parent is not None:
            node = await _require(db, tx, Ref(parent[0], parent[1], "id", in_path=True), reader)
            parent_id = node["id"]
        rows = await db.fetch(
            tx,
            "kubeflow/entity_page",
            _ENTITY_PAGE,
            kind=kind,
            parentId=parent_id,
            states=None,
            **params,
        )
        return _page(rows, req)

    page: Page = await db.read(work)
    return page


async def artifact_page(
    db: Database,
    kinds: tuple[str, ...],
    req: PageRequest,
    owner_id: str | None = None,
    *,
    actor: Principal,
) -> Page:
    """A keyset page of the artifacts ``actor`` may read, all of them or those attached to one
    version or run (FORBIDDEN when that owner is unreadable)."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        reader = await access.reader_tx(db, tx, actor)
        params.update(reader.parameters())
        if owner_id is None:
            rows = await db.fetch(
                tx, "kubeflow/artifact_page", _ARTIFACT_PAGE, kinds=list(kinds), **params
            )
        else:
            owner = await _require(db, tx, Ref(owner_id, OWNER_KINDS, "id", in_path=True), reader)
            rows = await db.fetch(
                tx,
                "kubeflow/owner_artifact_page",
                _OWNER_ARTIFACT_PAGE,
                ownerId=owner["id"],
                kinds=list(kinds),
                **params,
            )
        return _page(rows, req)

    page: Page = await db.read(work)
    return page


async def run_metric_page(
    db: Database,
    req: PageRequest,
    run_id: str | None = None,
    name: str | None = None,
    steps: list[int] | None = None,
    *,
    actor: Principal,
) -> Page:
    """A keyset page of experiment-run metric points ``actor`` may read (one run's, or every
    run's), each with ``experimentRunId`` / ``experimentId``; ``name`` and ``steps`` narrow it."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        reader = await access.reader_tx(db, tx, actor)
        params.update(reader.parameters())
        internal_id = None
        if run_id is not None:
            ref = Ref(run_id, (Label.EXECUTION.value,), "id", in_path=True)
            internal_id = (await _require(db, tx, ref, reader))["id"]
        rows = await db.fetch(
            tx,
            "kubeflow/run_metric_page",
            _RUN_METRIC_PAGE,
            runId=internal_id,
            name=name,
            steps=steps,
            **params,
        )
        return _page(rows, req)

    page: Page = await db.read(work)
    return page


async def create_serve(
    db: Database,
    service_kf_id: str,
    version_kf_id: str,
    props: dict[str, Any],
    *,
    actor: Principal,
) -> Record:
    """POST of a serve-model record: the InferenceService serves the version from now on."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        ref = Ref(service_kf_id, (Label.DEPLOYMENT.value,), "inference_service_id", True)
        service = await _require(db, tx, ref)
        version_ref = Ref(version_kf_id, (Label.MODEL_VERSION.value,), "modelVersionId")
        version = await _require(db, tx, version_ref)
        _, edge = await serving.deploy_tx(
            db, tx, service["id"], version["id"], actor=actor, edge=props
        )
        return dict(edge)

    return await db.write(work)


async def serve_page(
    db: Database, service_kf_id: str, req: PageRequest, *, actor: Principal
) -> Page:
    """A keyset page of an InferenceService's serve-model records (DEPLOYED_AS history),
    leaving out records of versions ``actor`` may not read."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        reader = await access.reader_tx(db, tx, actor)
        params.update(reader.parameters())
        service = await _require(
            db,
            tx,
            Ref(service_kf_id, (Label.DEPLOYMENT.value,), "inference_service_id", True),
            reader,
        )
        rows = await db.fetch(
            tx, "kubeflow/serve_page", _SERVE_PAGE, deploymentId=service["id"], **params
        )
        return _page(rows, req)

    page: Page = await db.read(work)
    return page
