"""OpenLineage ingest: a chunk of events (one event is a chunk of one) in one transaction,
written through the registry's writers with a fixed number of statements per chunk.

:func:`ingest_chunk_tx` checks the actor may write (contributor), reads what the chunk's events
name (runs by runId, datasets by identity, their versions, model versions) in a few set-based
queries, then decides every event in order against that picture (each event sees what the ones
before it did, as if each had its own transaction): the run's Execution (keyed by runId), its
datasets and versions, model versions, input/output edges, column lineage, parent run and the
``lineage.ingested`` event. The decisions are written at the end by the set-based writers
(entities.create_many_tx / update_many_tx, executions.link_many_tx / link_children_tx,
columns.derive_tx, events.record_many). Replays of an event (same runId, eventType and
eventTime) write nothing; the run's state is the latest by eventTime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Action
from modelgraph.domain.errors import Conflict, ModelGraphError
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import ExecutionStatus, ExecutionType
from modelgraph.observability.metrics import OPENLINEAGE_CHUNKS
from modelgraph.openlineage.mapping import (
    TERMINAL,
    UNVERSIONED,
    DatasetPlan,
    ModelRef,
    RunPlan,
)
from modelgraph.store import access, columns, entities, events, executions
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_RUNS = query("openlineage/runs_by_run_id")
_DATASETS = query("openlineage/datasets_by_ref")
_VERSIONS = query("openlineage/dataset_versions")


@dataclass(frozen=True)
class Ingested:
    """What one event did: the run's execution, and whether it was a replay."""

    run_id: str
    execution_id: str
    duplicate: bool


def _facets_json(existing: str | None, update: dict[str, Any]) -> str | None:
    """Unknown facets merged per scope (the latest event's copy of a facet wins)."""
    merged: dict[str, dict[str, Any]] = json.loads(existing) if existing else {}
    for scope, facets in update.items():
        if facets:
            merged.setdefault(scope, {}).update(facets)
    if not merged:
        return None
    return json.dumps(merged, separators=(",", ":"), sort_keys=True)


def run_changes(run: Record | None, plan: RunPlan) -> dict[str, Any]:
    """Execution properties this event sets (state only if it is the run's latest event)."""
    existing = run or {}
    keys = [*(existing.get("olEventKeys") or []), plan.key]
    props: dict[str, Any] = {"olEventKeys": keys}
    if run is None:
        props.update(
            name=plan.execution_name(),
            olRunId=plan.run_id,
            olJobNamespace=plan.job_namespace,
            olJobName=plan.job_name,
            type=(plan.type or ExecutionType.PREPROCESSING).value,
            status=ExecutionStatus.UNKNOWN.value,
        )
    elif plan.type is not None and existing.get("type") != plan.type.value:
        props["type"] = plan.type.value
    if run is not None and existing.get("olPlaceholder"):
        # The parent facet named this run before its own first event: that event names its job.
        props.update(
            name=plan.execution_name(),
            olJobNamespace=plan.job_namespace,
            olJobName=plan.job_name,
            olPlaceholder=None,
        )
    latest = (existing.get("olEventTime", -1), existing.get("olEventRank", -1))
    if plan.rank > latest:
        props.update(
            olEventTime=plan.rank[0], olEventRank=plan.rank[1], olEventType=plan.event_type
        )
        if plan.status is not None:
            props["status"] = plan.status.value
    if plan.event_type == "START":
        start = existing.get("startTime")
        props["startTime"] = plan.event_time if start is None else min(start, plan.event_time)
    if plan.event_type in TERMINAL and plan.rank > latest:
        props["endTime"] = plan.event_time
    facets = _facets_json(existing.get("olFacetsJson"), plan.facets)
    if facets != existing.get("olFacetsJson"):
        props["olFacetsJson"] = facets
    return props


def _features(plan: DatasetPlan, existing: Record | None) -> dict[str, Any]:
    """featureNames / featuresJson from the schema facet, keeping importances already known."""
    if not plan.fields:
        return {}
    known = {f.get("name"): f for f in json.loads((existing or {}).get("featuresJson") or "[]")}
    features = []
    for f in plan.fields:
        entry = {"name": f["name"], "type": f["type"]}
        if known.get(f["name"], {}).get("importance") is not None:
            entry["importance"] = known[f["name"]]["importance"]
        features.append(entry)
    return {
        "featureNames": [f["name"] for f in features],
        "featuresJson": json.dumps(features, separators=(",", ":")),
    }


def _column_rows(
    plan: RunPlan, versions: dict[tuple[str, str, str], str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Field nodes (schema fields and column-lineage ends) and DERIVES_FROM edges to write."""
    fields: dict[tuple[str, str], str | None] = {}
    for role, plans in (("in", plan.inputs), ("out", plan.outputs)):
        for p in plans:
            for f in p.fields:
                fields[(versions[(role, *p.key)], f["name"])] = f["type"]
    edges = []
    for edge in plan.columns:
        out_version = versions[("out", *edge.output)]
        # A column read from a dataset the run also writes is read from what it wrote.
        in_version = versions.get(("in", *edge.source)) or versions[("out", *edge.source)]
        fields.setdefault((out_version, edge.field), None)
        fields.setdefault((in_version, edge.source_field), None)
        edges.append(
            {
                "outVersionId": out_version,
                "outField": edge.field,
                "inVersionId": in_version,
                "inField": edge.source_field,
                "runId": plan.run_id,
                "transformations": edge.transformations,
            }
        )
    rows = [{"versionId": v, "name": n, "type": t} for (v, n), t in fields.items()]
    return rows, edges


def _apply(node: dict[str, Any], props: dict[str, Any]) -> None:
    """``props`` merged into a node as the updater merges them (None removes)."""
    for key, value in props.items():
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value


@dataclass
class _Chunk:
    """What a chunk's events read up front, and the writes their decisions add up to.

    Nodes are plain property maps: read from the graph, or (``new``) made by an earlier event of
    the chunk and not written yet; a later event's changes to a new node go into its create.
    """

    runs: dict[str, dict[str, Any]] = field(default_factory=dict)  # olRunId -> run
    datasets: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)  # Dataset name -> node
    named: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (dataset, name)
    read: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (dataset, runId)
    latest: dict[str, dict[str, Any]] = field(default_factory=dict)  # dataset id -> version
    models: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    model_names: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    new: dict[str, entities.NewEntity] = field(default_factory=dict)
    changes: dict[str, tuple[Label, dict[str, Any]]] = field(default_factory=dict)
    # A run's START and COMPLETE usually name the same datasets: edges and fields are merged
    # per run / per field / per column edge, so each is written once per chunk.
    links: dict[str, tuple[dict[tuple[str, str], None], dict[str, None]]] = field(
        default_factory=dict
    )
    fields: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    edges: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: list[tuple[str, str]] = field(default_factory=list)
    recorded: list[dict[str, Any]] = field(default_factory=list)

    def create(
        self, kind: Label, props: dict[str, Any], actor: Principal, parent_id: str | None = None
    ) -> dict[str, Any]:
        item = entities.new_entity(kind, props, actor=actor, parent_id=parent_id)
        self.new[item.id] = item
        return item.props

    def change(self, kind: Label, node: dict[str, Any], props: dict[str, Any]) -> None:
        """Changes to a node: into its create when it is new, else merged into one update."""
        if node["id"] not in self.new:
            self.changes.setdefault(node["id"], (kind, {}))[1].update(props)
        _apply(node, props)  # a new node's map is its create's

    def known(self) -> dict[str, dict[str, Any]]:
        """Every node the chunk read or made, by id (the link writer skips fetching them)."""
        out: dict[str, dict[str, Any]] = {}
        for group in (self.runs, self.datasets, self.named, self.read, self.latest, self.models):
            out.update({n["id"]: n for n in group.values()})
        return out


async def _read(
    db: Database, tx: AsyncManagedTransaction, plans: list[RunPlan], chunk: _Chunk
) -> None:
    """What the chunk's events name, in a few set-based reads (runs are write-locked: events of
    one run take turns, so the idempotency check and the state decision are made on what the
    lock protects)."""
    run_ids = [p.run_id for p in plans] + [p.parent.run_id for p in plans if p.parent]
    rows = await db.fetch(
        tx, "openlineage/runs_by_run_id", _RUNS, runIds=list(dict.fromkeys(run_ids))
    )
    chunk.runs = {row["node"]["olRunId"]: dict(row["node"]) for row in rows}
    keys = list(dict.fromkeys(d.key for p in plans for d in (*p.inputs, *p.outputs)))
    if not keys:
        return
    refs = [{"namespace": ns, "name": name} for ns, name in keys]
    for row in await db.fetch(tx, "openlineage/datasets_by_ref", _DATASETS, refs=refs):
        if row["byRef"] is not None:
            chunk.datasets[(row["namespace"], row["name"])] = dict(row["byRef"])
        if row["byName"] is not None:
            chunk.by_name.setdefault(row["name"], dict(row["byName"]))
    named: dict[tuple[str, str], None] = {}
    reads: dict[tuple[str, str], None] = {}
    latest: dict[str, None] = {}
    for p in plans:
        for role, d in [("in", d) for d in p.inputs] + [("out", d) for d in p.outputs]:
            dataset = chunk.datasets.get(d.key) or chunk.by_name.get(d.name)
            if dataset is None:
                continue  # a dataset the chunk creates has no versions yet
            name = _version_name(p, role, d)
            if name is not None:
                named[(dataset["id"], name)] = None
                continue
            if p.run_id in chunk.runs:  # only a recorded run has read anything
                reads[(dataset["id"], p.run_id)] = None
            latest[dataset["id"]] = None
    if not (named or reads or latest):
        return
    found_row = await db.fetch_one(
        tx,
        "openlineage/dataset_versions",
        _VERSIONS,
        named=[{"key": str(i), "datasetId": d, "version": v} for i, (d, v) in enumerate(named)],
        reads=[{"key": str(i), "datasetId": d, "runId": r} for i, (d, r) in enumerate(reads)],
        latest=list(latest),
    )
    assert found_row is not None
    row = found_row
    named_keys, read_keys = list(named), list(reads)
    for found in row["named"]:
        chunk.named[named_keys[int(found["key"])]] = dict(found["node"])
    for found in row["reads"]:
        chunk.read[read_keys[int(found["key"])]] = dict(found["node"])
    for found in row["latest"]:
        chunk.latest[found["key"]] = dict(found["node"])


def _version_name(plan: RunPlan, role: str, p: DatasetPlan) -> str | None:
    """The facet's version, else per producing run for an output; None: an input's version is
    the one this run already read or the dataset's newest."""
    if p.version is not None:
        return p.version
    return f"run-{plan.run_id}" if role == "out" else None


def _dataset(chunk: _Chunk, p: DatasetPlan, actor: Principal) -> dict[str, Any]:
    """The Dataset of an OpenLineage identity: found, adopted by name, or created."""
    source = {"sourceUri": p.source_uri} if p.source_uri else {}
    mine = chunk.datasets.get(p.key)
    named = chunk.by_name.get(p.name)
    if mine is not None:
        if source and mine.get("sourceUri") != p.source_uri:
            chunk.change(Label.DATASET, mine, source)
        return mine
    if named is not None and named.get("olNamespace") is None:
        chunk.change(Label.DATASET, named, {"olNamespace": p.namespace, "olName": p.name, **source})
        node = named
    else:
        name = p.name if named is None else f"{p.namespace}/{p.name}"
        props = {"name": name, "olNamespace": p.namespace, "olName": p.name, **source}
        node = chunk.create(Label.DATASET, props, actor)
        chunk.by_name.setdefault(node["name"], node)
    chunk.datasets[p.key] = node
    return node


def _version(
    chunk: _Chunk,
    plan: RunPlan,
    role: str,
    p: DatasetPlan,
    dataset: dict[str, Any],
    actor: Principal,
) -> dict[str, Any]:
    """The DatasetVersion an input or output is: the facet's version, else per producing run
    for outputs and, for inputs, the version this run already read or the newest one."""
    name = _version_name(plan, role, p)
    node: dict[str, Any] | None
    if name is not None:
        node = chunk.named.get((dataset["id"], name))
    else:
        node = chunk.read.get((dataset["id"], plan.run_id)) or chunk.latest.get(dataset["id"])
        name = UNVERSIONED
    facets = _facets_json((node or {}).get("olFacetsJson"), {"dataset": p.facets})
    props = _features(p, node)
    if facets != (node or {}).get("olFacetsJson"):
        props["olFacetsJson"] = facets
    if node is None:
        node = chunk.create(
            Label.DATASET_VERSION, {"name": name, **props}, actor, parent_id=dataset["id"]
        )
        chunk.named[(dataset["id"], name)] = node
        chunk.latest[dataset["id"]] = node
    elif any(node.get(k) != v for k, v in props.items()):
        chunk.change(Label.DATASET_VERSION, node, props)
    return node


async def _model_version(
    db: Database, tx: AsyncManagedTransaction, chunk: _Chunk, ref: ModelRef, actor: Principal
) -> dict[str, Any]:
    """The ModelVersion a run produced; a model or version not yet registered is created."""
    key = (ref.name, ref.version)
    if key in chunk.models:
        return chunk.models[key]
    found = await entities.get_by_name_tx(db, tx, Label.MODEL_VERSION, ref.version, ref.name)
    if found is not None:
        chunk.models[key] = dict(found)
        return chunk.models[key]
    if ref.name not in chunk.model_names:
        model = await entities.get_by_name_tx(db, tx, Label.REGISTERED_MODEL, ref.name)
        chunk.model_names[ref.name] = dict(model) if model is not None else None
    model_node = chunk.model_names[ref.name]
    if model_node is None:
        model_node = chunk.create(Label.REGISTERED_MODEL, {"name": ref.name}, actor)
        chunk.model_names[ref.name] = model_node
    chunk.models[key] = chunk.create(
        Label.MODEL_VERSION, {"name": ref.version}, actor, parent_id=model_node["id"]
    )
    return chunk.models[key]


def _parent(chunk: _Chunk, plan: RunPlan, actor: Principal) -> dict[str, Any]:
    """The parent run's execution; a placeholder until the parent's own events arrive."""
    assert plan.parent is not None
    parent = plan.parent
    found = chunk.runs.get(parent.run_id)
    if found is not None:
        return found
    props = {
        "name": parent.job_name.strip()[:256] or parent.run_id,
        "olRunId": parent.run_id,
        "olJobNamespace": parent.job_namespace,
        "olJobName": parent.job_name,
        "olPlaceholder": True,
        "type": ExecutionType.PREPROCESSING.value,
        "status": ExecutionStatus.UNKNOWN.value,
    }
    node = chunk.create(Label.EXECUTION, props, actor)
    chunk.runs[parent.run_id] = node
    return node


async def _decide(
    db: Database, tx: AsyncManagedTransaction, chunk: _Chunk, plan: RunPlan, actor: Principal
) -> Ingested:
    """One event's writes, added to the chunk's (see the module docstring)."""
    run = chunk.runs.get(plan.run_id)
    if run is not None and plan.key in (run.get("olEventKeys") or []):
        return Ingested(plan.run_id, str(run["id"]), duplicate=True)
    changes = run_changes(run, plan)
    if run is None:
        run = chunk.create(Label.EXECUTION, changes, actor)
        chunk.runs[plan.run_id] = run
    else:
        chunk.change(Label.EXECUTION, run, changes)
    versions: dict[tuple[str, str, str], str] = {}
    inputs: list[tuple[str, str]] = []
    outputs: list[str] = []
    for role, group in (("in", plan.inputs), ("out", plan.outputs)):
        for p in group:
            dataset = _dataset(chunk, p, actor)
            version = _version(chunk, plan, role, p, dataset, actor)
            versions[(role, *p.key)] = version["id"]
            if role == "in":
                inputs.append((version["id"], "input"))
                chunk.read.setdefault((dataset["id"], plan.run_id), version)
            else:
                outputs.append(version["id"])
    models = [(await _model_version(db, tx, chunk, ref, actor))["id"] for ref in plan.models]
    outputs += models
    if inputs or outputs:
        ins, outs = chunk.links.setdefault(run["id"], ({}, {}))
        ins.update(dict.fromkeys(inputs))
        outs.update(dict.fromkeys(outputs))
    fields, edges = _column_rows(plan, versions)
    for f in fields:
        # As derive_fields merges them: a later event's type wins, a missing type keeps one.
        kept = chunk.fields.setdefault((f["versionId"], f["name"]), f)
        if f["type"] is not None:
            kept["type"] = f["type"]
    for edge in edges:
        chunk.edges[json.dumps(edge, sort_keys=True)] = edge
    if plan.parent is not None:
        chunk.children.append((_parent(chunk, plan, actor)["id"], run["id"]))
    payload = {
        "runId": plan.run_id,
        "eventType": plan.event_type,
        "eventTime": plan.event_time,
        "job": {"namespace": plan.job_namespace, "name": plan.job_name},
    }
    chunk.recorded.append(
        events.event_row(
            EventType.LINEAGE_INGESTED, run, payload, scope=[*versions.values(), *models]
        )
    )
    return Ingested(plan.run_id, str(run["id"]), duplicate=False)


async def ingest_chunk_tx(
    db: Database, tx: AsyncManagedTransaction, plans: list[RunPlan], *, actor: Principal
) -> list[Ingested]:
    """Record a chunk of events inside ``tx``, in order (see the module docstring)."""
    await access.authorize_tx(db, tx, actor, Action.CREATE)
    chunk = _Chunk()
    await _read(db, tx, plans, chunk)
    answers = [await _decide(db, tx, chunk, plan, actor) for plan in plans]
    await entities.create_many_tx(db, tx, list(chunk.new.values()), actor=actor)
    await entities.update_many_tx(
        db,
        tx,
        [entities.Change(kind, i, props) for i, (kind, props) in chunk.changes.items()],
        actor=actor,
    )
    links = [executions.Link(r, list(i), list(o)) for r, (i, o) in chunk.links.items()]
    await executions.link_many_tx(db, tx, links, actor=actor, known=chunk.known())
    await columns.derive_tx(db, tx, list(chunk.fields.values()), list(chunk.edges.values()))
    await executions.link_children_tx(db, tx, chunk.children)
    await events.record_many(db, tx, chunk.recorded, actor)
    return answers


async def ingest(db: Database, plan: RunPlan, *, actor: Principal) -> Ingested:
    """One event in its own write transaction; a concurrent first write of the same run or
    dataset (a uniqueness conflict) is retried once, and then sees what the other committed."""

    async def work(tx: AsyncManagedTransaction) -> Ingested:
        [answer] = await ingest_chunk_tx(db, tx, [plan], actor=actor)
        return answer

    try:
        return await db.write(work)
    except Conflict:
        return await db.write(work)


# Events of a batch written per transaction: the statements of a chunk are a fixed number, so a
# bigger chunk costs little more than a small one.
CHUNK = 100


async def ingest_many(
    db: Database, plans: list[RunPlan], *, actor: Principal, chunk: int = CHUNK
) -> list[Ingested | ModelGraphError]:
    """A batch's events in order, ``chunk`` per transaction; each answer as :func:`ingest`
    would give it. A chunk in which any event is refused is rolled back whole and its events
    are then written one transaction each, so a refused event never takes others with it."""
    answers: list[Ingested | ModelGraphError] = []
    for start in range(0, len(plans), chunk):
        part = plans[start : start + chunk]

        async def work(tx: AsyncManagedTransaction, part: list[RunPlan] = part) -> list[Ingested]:
            return await ingest_chunk_tx(db, tx, part, actor=actor)

        try:
            answers.extend(await db.write(work))
            OPENLINEAGE_CHUNKS.labels("written").inc()
            continue
        except ModelGraphError:
            OPENLINEAGE_CHUNKS.labels("split").inc()
        for plan in part:
            try:
                answers.append(await ingest(db, plan, actor=actor))
            except ModelGraphError as exc:
                answers.append(exc)
    return answers
