"""Writes and reads behind the Kubeflow-compatible REST API, on the shared graph model.

Every request is one transaction. Kubeflow resources map onto docs/graph-model.md nodes:
registered models, versions, model/doc artifacts, serving environments (ServingEnvironment),
inference services (Deployment + DEPLOYED_AS history), experiments (Experiment) and runs
(Execution under HAS_RUN) are ``:Entity`` nodes; a dataset-artifact is a DatasetVersion under a
Dataset; metric and parameter artifacts are ``MetricPoint`` / ``Parameter`` records attached to
their version or run, which also keeps the latest value as ``m.<key>`` / ``hp.<key>``.
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

from modelgraph.domain.errors import FailedPrecondition, Invalid, NotFound
from modelgraph.domain.ids import now_ms
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record
from modelgraph.store.listing import Filter, to_dnf

_CREATE_ENTITY = query("kubeflow/create_entity")
_GET_NODE = query("kubeflow/get_node")
_UPDATE_NODE = query("kubeflow/update_node")
_FIND_ENTITIES = query("kubeflow/find_entities")
_FIND_ARTIFACTS = query("kubeflow/find_artifacts")
_ATTACH = query("kubeflow/attach_artifact")
_CREATE_METRIC = query("kubeflow/create_metric")
_CREATE_PARAMETER = query("kubeflow/create_parameter")
_MERGE_DATASET = query("kubeflow/merge_dataset")
_DEPLOY = query("kubeflow/deploy_version")
_ARTIFACT_PAGE = query("kubeflow/artifact_page")
_ENTITY_PAGE = query("kubeflow/entity_page")
_NEXT_ID = query("kubeflow/next_id")
_CREATE_SERVE = query("kubeflow/create_serve")
_SERVE_PAGE = query("kubeflow/serve_page")
_ASSIGN_IDS = query("kubeflow/assign_ids")
_KF_ID = re.compile(r"[1-9][0-9]{0,18}")
_OWNER_ARTIFACT_PAGE = query("kubeflow/owner_artifact_page")
_RUN_METRIC_PAGE = query("kubeflow/run_metric_page")

METRIC_KIND = "MetricPoint"
PARAMETER_KIND = "Parameter"
OWNER_KINDS = ("ModelVersion", "Execution")
# Kinds that may not be created under an ARCHIVED parent.
_GUARDED_CHILDREN = frozenset(
    {"ModelVersion", "ModelArtifact", "DocArtifact", "DatasetVersion", "Deployment"}
)


class Rel(StrEnum):
    """The relationship types this module may create (each maps to a fixed query branch)."""

    HAS_VERSION = "HAS_VERSION"
    HAS_ARTIFACT = "HAS_ARTIFACT"
    HOSTS = "HOSTS"
    HAS_RUN = "HAS_RUN"
    HAS_METRIC = "HAS_METRIC"
    HAS_PARAMETER = "HAS_PARAMETER"
    PRODUCED = "PRODUCED"
    CONSUMED_BY = "CONSUMED_BY"


@dataclass(frozen=True)
class Ref:
    """An id the request names that must exist with one of ``kinds``."""

    id: str
    kinds: tuple[str, ...]
    field: str
    in_path: bool = False


@dataclass(frozen=True)
class Attach:
    """Attach the node to an owner (model version or experiment run)."""

    owner_id: str
    rel: Rel
    owner_props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Deploy:
    """Make a Deployment serve ``version_id`` (or nothing) from now on."""

    version_id: str | None
    serving: bool
    by: str | None
    record_id: str


@dataclass
class NewNode:
    """Everything one create request writes."""

    kind: str
    props: dict[str, Any]
    parent: Ref | None = None
    parent_rel: Rel | None = None
    refs: list[Ref] = field(default_factory=list)
    attach: Attach | None = None
    dataset: tuple[str, dict[str, Any]] | None = None  # (Dataset name, props if created)
    deploy: Deploy | None = None


def parse_kf_id(text: str) -> int | None:
    """A Kubeflow id (decimal, 1..2^63) as an int; None when it cannot be one."""
    if not _KF_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value < 2**63 else None


async def _get(
    db: Database, tx: AsyncManagedTransaction, kf_id: str, kinds: tuple[str, ...]
) -> Record | None:
    number = parse_kf_id(kf_id)
    if number is None:
        return None
    row = await db.fetch_one(tx, "kubeflow/get_node", _GET_NODE, kfId=number, kinds=list(kinds))
    return dict(row["node"]) if row else None


async def _require(db: Database, tx: AsyncManagedTransaction, ref: Ref) -> Record:
    node = await _get(db, tx, ref.id, ref.kinds)
    if node is None:
        kinds = "/".join(ref.kinds)
        if ref.in_path:
            raise NotFound(f"no {kinds} with id {ref.id!r}", field=ref.field)
        raise NotFound(f"{ref.field} {ref.id!r} does not name an existing {kinds}", field=ref.field)
    return node


async def _next_id(db: Database, tx: AsyncManagedTransaction) -> int:
    row = await db.fetch_one(tx, "kubeflow/next_id", _NEXT_ID)
    assert row is not None
    return int(row["kfId"])


def _lacks_ids(nodes: list[Record]) -> bool:
    """Whether a read met entities (or DEPLOYED_AS records) that assign_ids has not seen yet."""
    return any(
        n.get("kfId") is None or (n.get("parentId") and n.get("kfParentId") is None)
        for n in nodes
        if n.get("kind") not in (METRIC_KIND, PARAMETER_KIND)
    )


async def assign_ids(db: Database) -> None:
    """Give Kubeflow ids to entities created outside REST (idempotent)."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await db.fetch(tx, "kubeflow/assign_ids", _ASSIGN_IDS)

    await db.write(work)


async def _read_nodes(db: Database, work: Callable[[AsyncManagedTransaction], Any]) -> Any:
    """Run a read; if it met entities without Kubeflow ids, assign them and read again."""
    result = await db.read(work)
    nodes = result if isinstance(result, list) else result.nodes
    if _lacks_ids(nodes):
        await assign_ids(db)
        result = await db.read(work)
    return result


async def get(db: Database, kf_id: str, kinds: tuple[str, ...]) -> Record | None:
    """One node by Kubeflow id if its kind is one of ``kinds``."""

    async def work(tx: AsyncManagedTransaction) -> Record | None:
        return await _get(db, tx, kf_id, kinds)

    return await db.read(work)


async def create(db: Database, plan: NewNode) -> Record:
    """Create one node (and its edges) in one write transaction; references are checked first."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        for ref in plan.refs:
            await _require(db, tx, ref)
        props = dict(plan.props)
        if plan.parent is not None:
            parent = await _require(db, tx, plan.parent)
            if plan.kind in _GUARDED_CHILDREN:
                _check_live(parent, plan.parent.field)
            props["parentId"] = parent["id"]
            props["kfParentId"] = parent.get("kfId")
        owner = None
        if plan.attach is not None:
            owner = await _require(db, tx, Ref(plan.attach.owner_id, OWNER_KINDS, "id", True))
            if owner.get("kind") == "ModelVersion":
                _check_live(owner, "id")
        if plan.dataset is not None:
            name, dataset_props = plan.dataset
            row = await db.fetch_one(
                tx, "kubeflow/merge_dataset", _MERGE_DATASET, name=name, props=dataset_props
            )
            assert row is not None
            props["parentId"] = row["node"]["id"]
        props["kfId"] = await _next_id(db, tx)
        if plan.kind in (METRIC_KIND, PARAMETER_KIND):
            name, text = (
                ("kubeflow/create_metric", _CREATE_METRIC)
                if plan.kind == METRIC_KIND
                else ("kubeflow/create_parameter", _CREATE_PARAMETER)
            )
            attach = plan.attach
            row = await db.fetch_one(
                tx,
                name,
                text,
                props=props,
                ownerId=owner["id"] if owner else None,
                ownerProps=dict(attach.owner_props) if attach else {},
            )
            assert row is not None
            return dict(row["node"])
        rel = plan.parent_rel.value if plan.parent_rel else None
        row = await db.fetch_one(
            tx,
            "kubeflow/create_entity",
            _CREATE_ENTITY,
            kind=plan.kind,
            props=props,
            parentRel=rel,
        )
        assert row is not None
        if plan.attach is not None and owner is not None:
            await _attach(db, tx, props["id"], owner["id"], plan.attach)
        if plan.deploy is not None:
            await _deploy(db, tx, props["id"], plan.deploy)
        return dict(row["node"])

    return await db.write(work)


async def _attach(
    db: Database, tx: AsyncManagedTransaction, node_id: str, owner_id: str, attach: Attach
) -> None:
    await db.fetch(
        tx,
        "kubeflow/attach_artifact",
        _ATTACH,
        id=node_id,
        ownerId=owner_id,
        rel=attach.rel.value,
        ownerProps=dict(attach.owner_props),
    )


def _check_live(parent: Record, field: str) -> None:
    """Children are not created under an ARCHIVED parent (docs/graph-model.md)."""
    if parent.get("state") == "ARCHIVED":
        raise FailedPrecondition(f"{parent.get('kind')} is ARCHIVED", field=field)


def _check_deployable(version: Record) -> None:
    if version.get("state") == "ARCHIVED" or version.get("stage") == "ARCHIVED":
        raise FailedPrecondition(
            "an archived model version cannot be deployed", field="modelVersionId"
        )


async def _deploy(db: Database, tx: AsyncManagedTransaction, node_id: str, deploy: Deploy) -> None:
    version = parse_kf_id(deploy.version_id) if deploy.version_id else None
    if deploy.version_id and deploy.serving:
        target = await _require(db, tx, Ref(deploy.version_id, ("ModelVersion",), "modelVersionId"))
        _check_deployable(target)
    await db.fetch(
        tx,
        "kubeflow/deploy_version",
        _DEPLOY,
        deploymentId=node_id,
        versionKfId=version,
        serving=deploy.serving,
        by=deploy.by,
        recordId=deploy.record_id,
        kfId=await _next_id(db, tx),
        now=now_ms(),
    )


# Computes the property changes from the current node; pure (transactions may be retried).
Change = Callable[[Record], dict[str, Any]]
# Computes follow-up edge changes from the updated node; pure as well.
Followup = Callable[[Record], tuple[Attach | None, Deploy | None]]


async def update(
    db: Database,
    kf_id: str,
    kinds: tuple[str, ...],
    change: Change,
    *,
    refs: Callable[[Record], list[Ref]] | None = None,
    followup: Followup | None = None,
) -> Record:
    """Read a node, apply ``change`` and follow-ups, all in one write transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        current = await _require(db, tx, Ref(kf_id, kinds, "id", in_path=True))
        for ref in refs(current) if refs else []:
            await _require(db, tx, ref)
        props = change(current)
        row = await db.fetch_one(
            tx, "kubeflow/update_node", _UPDATE_NODE, id=current["id"], props=props
        )
        assert row is not None
        node = dict(row["node"])
        if followup is not None:
            attach, deploy = followup(node)
            if attach is not None:
                owner = await _require(db, tx, Ref(attach.owner_id, OWNER_KINDS, "id", True))
                if owner.get("kind") == "ModelVersion":
                    _check_live(owner, "id")
                await _attach(db, tx, node["id"], owner["id"], attach)
            if deploy is not None:
                await _deploy(db, tx, node["id"], deploy)
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
) -> Record | None:
    """The one node a find endpoint names; several matches are INVALID_ARGUMENT (ambiguous)."""
    if name is None and external_id is None and parent_id is None:
        raise Invalid("give name, externalId or parentResourceId", field="name")

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        parent = None
        if parent_id is not None:
            parent_kinds = OWNER_KINDS if artifacts else _PARENT_KINDS.get(kinds[0], ())
            parent = await _get(db, tx, parent_id, parent_kinds)
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
            )
        return [dict(row["node"]) for row in rows]

    nodes: list[Record] = await _read_nodes(db, work)
    if len(nodes) > 1:
        raise Invalid("more than one resource matches: add name or parentResourceId", field="name")
    return nodes[0] if nodes else None


_PARENT_KINDS = {
    "ModelVersion": ("RegisteredModel",),
    "Deployment": ("ServingEnvironment",),
    "Execution": ("Experiment",),
}


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
) -> Page:
    """A keyset page of entities of one kind, optionally under a parent named by Kubeflow id."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        parent_id = None
        if parent is not None:
            node = await _require(db, tx, Ref(parent[0], parent[1], "id", in_path=True))
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

    page: Page = await _read_nodes(db, work)
    return page


async def artifact_page(
    db: Database, kinds: tuple[str, ...], req: PageRequest, owner_id: str | None = None
) -> Page:
    """A keyset page of artifacts, all of them or those attached to one version or run."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        if owner_id is None:
            rows = await db.fetch(
                tx, "kubeflow/artifact_page", _ARTIFACT_PAGE, kinds=list(kinds), **params
            )
        else:
            owner = await _require(db, tx, Ref(owner_id, OWNER_KINDS, "id", in_path=True))
            rows = await db.fetch(
                tx,
                "kubeflow/owner_artifact_page",
                _OWNER_ARTIFACT_PAGE,
                ownerId=owner["id"],
                kinds=list(kinds),
                **params,
            )
        return _page(rows, req)

    page: Page = await _read_nodes(db, work)
    return page


async def run_metric_page(
    db: Database,
    req: PageRequest,
    run_id: str | None = None,
    name: str | None = None,
    steps: list[int] | None = None,
) -> Page:
    """A keyset page of experiment-run metric points (one run's, or every run's), each with
    ``experimentRunId`` / ``experimentId``; ``name`` and ``steps`` narrow it."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        internal_id = None
        if run_id is not None:
            run = await _require(db, tx, Ref(run_id, ("Execution",), "id", in_path=True))
            internal_id = run["id"]
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

    page: Page = await _read_nodes(db, work)
    return page


async def create_serve(
    db: Database, service_kf_id: str, version_kf_id: str, props: dict[str, Any], by: str | None
) -> Record:
    """Record that an InferenceService serves a version: a new current DEPLOYED_AS edge."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        service = await _require(
            db, tx, Ref(service_kf_id, ("Deployment",), "inference_service_id", True)
        )
        version = await _require(db, tx, Ref(version_kf_id, ("ModelVersion",), "modelVersionId"))
        _check_deployable(version)
        now = now_ms()
        edge = {**props, "kfId": await _next_id(db, tx), "createdAt": now, "updatedAt": now}
        row = await db.fetch_one(
            tx,
            "kubeflow/create_serve",
            _CREATE_SERVE,
            deploymentId=service["id"],
            versionKfId=parse_kf_id(version_kf_id),
            props=edge,
            by=by,
            now=now,
        )
        assert row is not None
        return dict(row["node"])

    return await db.write(work)


async def serve_page(db: Database, service_kf_id: str, req: PageRequest) -> Page:
    """A keyset page of an InferenceService's serve-model records (DEPLOYED_AS history)."""
    params = _page_params(req)

    async def work(tx: AsyncManagedTransaction) -> Page:
        service = await _require(
            db, tx, Ref(service_kf_id, ("Deployment",), "inference_service_id", True)
        )
        rows = await db.fetch(
            tx, "kubeflow/serve_page", _SERVE_PAGE, deploymentId=service["id"], **params
        )
        return _page(rows, req)

    page: Page = await _read_nodes(db, work)
    return page
