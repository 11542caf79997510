"""OpenLineage ingest: one event, one transaction, written through the registry's writers.

:func:`ingest_tx` checks the actor may write (contributor), makes the run's Execution (keyed by
runId), its datasets and versions, model versions, input/output edges, column lineage and parent
run, and records ``lineage.ingested`` — all in the caller's transaction. Replays of an event
(same runId, eventType and eventTime) write nothing; the run's state is the latest by eventTime.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Action
from modelgraph.domain.errors import Conflict, ModelGraphError
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import ExecutionStatus, ExecutionType
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


async def _runs_tx(
    db: Database, tx: AsyncManagedTransaction, run_ids: list[str]
) -> dict[str, Record]:
    rows = await db.fetch(tx, "openlineage/runs_by_run_id", _RUNS, runIds=run_ids)
    return {row["node"]["olRunId"]: row["node"] for row in rows}


async def _parent_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    plan: RunPlan,
    found: Record | None,
    actor: Principal,
) -> str:
    """The parent run's execution id; a placeholder until the parent's own events arrive."""
    assert plan.parent is not None
    if found is not None:
        return str(found["id"])
    parent = plan.parent
    props = {
        "name": parent.job_name.strip()[:256] or parent.run_id,
        "olRunId": parent.run_id,
        "olJobNamespace": parent.job_namespace,
        "olJobName": parent.job_name,
        "olPlaceholder": True,
        "type": ExecutionType.PREPROCESSING.value,
        "status": ExecutionStatus.UNKNOWN.value,
    }
    node = await entities.create_tx(db, tx, Label.EXECUTION, props, actor=actor)
    return str(node["id"])


async def _datasets_tx(
    db: Database, tx: AsyncManagedTransaction, plans: list[DatasetPlan], actor: Principal
) -> dict[tuple[str, str], str]:
    """Dataset ids by OpenLineage identity: found, adopted by name, or created."""
    unique = {p.key: p for p in plans}
    if not unique:
        return {}
    refs = [{"namespace": ns, "name": name} for ns, name in unique]
    rows = await db.fetch(tx, "openlineage/datasets_by_ref", _DATASETS, refs=refs)
    out: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["namespace"], row["name"])
        plan = unique[key]
        source = {"sourceUri": plan.source_uri} if plan.source_uri else {}
        mine, named = row["byRef"], row["byName"]
        if mine is not None:
            node = mine
            if source and mine.get("sourceUri") != plan.source_uri:
                await entities.update_tx(db, tx, Label.DATASET, mine["id"], source, actor=actor)
        elif named is not None and named.get("olNamespace") is None:
            ident = {"olNamespace": key[0], "olName": key[1], **source}
            node = await entities.update_tx(db, tx, Label.DATASET, named["id"], ident, actor=actor)
        else:
            name = key[1] if named is None else f"{key[0]}/{key[1]}"
            props = {"name": name, "olNamespace": key[0], "olName": key[1], **source}
            node = await entities.create_tx(db, tx, Label.DATASET, props, actor=actor)
        out[key] = str(node["id"])
    return out


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


async def _versions_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    plan: RunPlan,
    datasets: dict[tuple[str, str], str],
    actor: Principal,
) -> dict[tuple[str, str, str], str]:
    """DatasetVersion ids by (role, namespace, name): the facet's version, else per producing
    run for outputs and, for inputs, the version this run already read or the newest one."""
    wanted: list[tuple[str, DatasetPlan]] = [("in", p) for p in plan.inputs]
    wanted += [("out", p) for p in plan.outputs]
    if not wanted:
        return {}

    def version_name(role: str, p: DatasetPlan) -> str | None:
        if p.version is not None:
            return p.version
        return f"run-{plan.run_id}" if role == "out" else None

    rows = await db.fetch(
        tx,
        "openlineage/dataset_versions",
        _VERSIONS,
        wanted=[
            {
                "key": f"{i}",
                "datasetId": datasets[p.key],
                "version": version_name(role, p),
                "runId": plan.run_id,
            }
            for i, (role, p) in enumerate(wanted)
        ],
    )
    by_key = {row["key"]: row for row in rows}
    out: dict[tuple[str, str, str], str] = {}
    for i, (role, p) in enumerate(wanted):
        row = by_key[f"{i}"]
        name = version_name(role, p)
        node: Record | None
        if name is not None:
            node = row["named"]
        else:
            node = row["read"] or row["latest"]
            name = UNVERSIONED
        facets = _facets_json((node or {}).get("olFacetsJson"), {"dataset": p.facets})
        props = _features(p, node)
        if facets != (node or {}).get("olFacetsJson"):
            props["olFacetsJson"] = facets
        if node is None:
            node = await entities.create_tx(
                db,
                tx,
                Label.DATASET_VERSION,
                {"name": name, **props},
                actor=actor,
                parent_id=datasets[p.key],
            )
        elif any(node.get(k) != v for k, v in props.items()):
            node = await entities.update_tx(
                db, tx, Label.DATASET_VERSION, node["id"], props, actor=actor
            )
        out[(role, *p.key)] = str(node["id"])
    return out


async def _model_versions_tx(
    db: Database, tx: AsyncManagedTransaction, models: list[ModelRef], actor: Principal
) -> list[str]:
    """ModelVersion ids the run produced; models and versions not yet registered are created."""
    ids = []
    for ref in models:
        version = await entities.get_by_name_tx(db, tx, Label.MODEL_VERSION, ref.version, ref.name)
        if version is None:
            model = await entities.get_by_name_tx(db, tx, Label.REGISTERED_MODEL, ref.name)
            if model is None:
                model = await entities.create_tx(
                    db, tx, Label.REGISTERED_MODEL, {"name": ref.name}, actor=actor
                )
            version = await entities.create_tx(
                db,
                tx,
                Label.MODEL_VERSION,
                {"name": ref.version},
                actor=actor,
                parent_id=model["id"],
            )
        ids.append(str(version["id"]))
    return ids


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


async def ingest_tx(
    db: Database, tx: AsyncManagedTransaction, plan: RunPlan, *, actor: Principal
) -> Ingested:
    """Record one event inside ``tx`` (see the module docstring)."""
    await access.authorize_tx(db, tx, actor, Action.CREATE)
    wanted = [plan.run_id] + ([plan.parent.run_id] if plan.parent else [])
    runs = await _runs_tx(db, tx, wanted)
    run = runs.get(plan.run_id)
    if run is not None and plan.key in (run.get("olEventKeys") or []):
        return Ingested(plan.run_id, str(run["id"]), duplicate=True)
    changes = run_changes(run, plan)
    if run is None:
        run = await entities.create_tx(db, tx, Label.EXECUTION, changes, actor=actor)
    else:
        run = await entities.update_tx(db, tx, Label.EXECUTION, run["id"], changes, actor=actor)
    run_id = str(run["id"])
    datasets = await _datasets_tx(db, tx, [*plan.inputs, *plan.outputs], actor)
    versions = await _versions_tx(db, tx, plan, datasets, actor)
    models = await _model_versions_tx(db, tx, plan.models, actor)
    inputs = [(versions[("in", *p.key)], "input") for p in plan.inputs]
    outputs = [versions[("out", *p.key)] for p in plan.outputs] + models
    if inputs or outputs:
        await executions.link_tx(db, tx, run_id, inputs, outputs, actor=actor)
    fields, edges = _column_rows(plan, versions)
    await columns.derive_tx(db, tx, fields, edges)
    if plan.parent is not None:
        parent_id = await _parent_tx(db, tx, plan, runs.get(plan.parent.run_id), actor)
        await executions.link_child_tx(db, tx, parent_id, run_id)
    payload = {
        "runId": plan.run_id,
        "eventType": plan.event_type,
        "eventTime": plan.event_time,
        "job": {"namespace": plan.job_namespace, "name": plan.job_name},
    }
    await events.record(
        tx, EventType.LINEAGE_INGESTED, run, actor, payload, scope=[*versions.values(), *models]
    )
    return Ingested(plan.run_id, run_id, duplicate=False)


async def ingest(db: Database, plan: RunPlan, *, actor: Principal) -> Ingested:
    """One event in its own write transaction; a concurrent first write of the same run or
    dataset (a uniqueness conflict) is retried once, and then sees what the other committed."""

    async def work(tx: AsyncManagedTransaction) -> Ingested:
        return await ingest_tx(db, tx, plan, actor=actor)

    try:
        return await db.write(work)
    except Conflict:
        return await db.write(work)


# Events of a batch written per transaction: a commit (and the outbox sequence lock it holds)
# per event was most of a batch's time.
CHUNK = 50


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
            return [await ingest_tx(db, tx, plan, actor=actor) for plan in part]

        try:
            answers.extend(await db.write(work))
            continue
        except ModelGraphError:
            pass
        for plan in part:
            try:
                answers.append(await ingest(db, plan, actor=actor))
            except ModelGraphError as exc:
                answers.append(exc)
    return answers
