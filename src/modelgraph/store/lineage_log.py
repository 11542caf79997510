"""logExecution: record a run with its inputs and outputs in one transaction.

Inputs (dataset versions, model versions as base models, artifacts) are referenced by id with a
role; outputs are existing entities by id or new DatasetVersions created under a dataset named
in the request. Every reference is checked inside the transaction before anything is written,
so an unknown ref is NOT_FOUND with no partial write. With an ``external_id`` a retried call
returns the execution already recorded and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Conflict, Invalid, NotFound
from modelgraph.domain.graph import (
    ENV_PREFIX,
    FLOW_KINDS,
    MAX_NAME_LENGTH,
    METRIC_PREFIX,
    Family,
    Label,
    ValueType,
    check_key,
    check_name,
    check_scalar,
    encode_json,
    require_live,
    typed_entry,
    value_type_of,
)
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import ExecutionStatus, ExecutionType, TuningMethod
from modelgraph.store import entities, executions, governance
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record
from modelgraph.store.entities import check_tags
from modelgraph.store.governance import MetricPoint as MetricPoint

_FIND = query("lineage/log_find_execution")
_CHECK = query("lineage/log_check_refs")

_FLOW = frozenset(k.value for k in FLOW_KINDS)
MAX_REFS = 1_000
MAX_LIBRARIES = 512


@dataclass(frozen=True)
class InputRef:
    """An input by id and the role it played (train, validation, base_model, ...)."""

    id: str
    role: str = "input"


@dataclass(frozen=True)
class NewDatasetVersion:
    """An output dataset version to create under the dataset called ``dataset``."""

    dataset: str
    version: str
    uri: str | None = None
    format: str | None = None
    rows: int | None = None
    bytes: int | None = None
    digest: str | None = None
    feature_names: list[str] = field(default_factory=list)
    features: list[dict[str, Any]] | None = None  # [{name, type, importance}]
    description: str | None = None


@dataclass
class ExecutionLog:
    """What logExecution records."""

    name: str
    type: ExecutionType = ExecutionType.OTHER
    status: ExecutionStatus = ExecutionStatus.COMPLETED
    external_id: str | None = None
    experiment_id: str | None = None
    description: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    tuning_method: TuningMethod | None = None
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    tags: list[str] = field(default_factory=list)
    hyperparameters: dict[str, tuple[ValueType, Any]] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    metric_points: list[MetricPoint] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    libraries: list[str] = field(default_factory=list)
    inputs: list[InputRef] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    new_dataset_versions: list[NewDatasetVersion] = field(default_factory=list)


def metrics_from_points(points: list[MetricPoint]) -> tuple[dict[str, float], list[MetricPoint]]:
    """Latest value per key (highest step, then time, then last given) and the points to keep.

    Entries without step and timestamp are plain latest values, not history.
    """
    latest: dict[str, tuple[tuple[int, int, int], float]] = {}
    for order, pt in enumerate(points):
        rank = (pt.step if pt.step is not None else -1, pt.timestamp or -1, order)
        if pt.key not in latest or rank > latest[pt.key][0]:
            latest[pt.key] = (rank, pt.value)
    history = [pt for pt in points if pt.step is not None or pt.timestamp is not None]
    return {k: v for k, (_, v) in latest.items()}, history


@dataclass
class LoggedExecution:
    """The execution, whether this call created it, and the ids it consumed and produced."""

    execution: Record
    created: bool
    inputs: list[InputRef]
    outputs: list[str]


def plain_hyperparameters(values: Mapping[str, Any]) -> dict[str, tuple[ValueType, Any]]:
    """Typed hyperparameters from plain Python values (dicts and lists are JSON)."""
    return {
        k: (ValueType.JSON if isinstance(v, (dict, list)) else value_type_of(v), v)
        for k, v in values.items()
    }


def _text(value: str | None, fld: str, limit: int = MAX_NAME_LENGTH) -> None:
    if value is not None and (not value or len(value) > limit):
        raise Invalid(f"must be 1-{limit} characters", field=fld)


def _execution_props(log: ExecutionLog) -> dict[str, Any]:
    """Validated node properties of the execution (contract names)."""
    _text(log.name, "name")
    _text(log.external_id, "externalId")
    _text(log.description, "description", 65_536)
    if log.start_time is not None and log.end_time is not None and log.end_time < log.start_time:
        raise Invalid("endTime is before startTime", field="endTime")
    if len(log.libraries) > MAX_LIBRARIES:
        raise Invalid(f"at most {MAX_LIBRARIES} libraries", field="libraries")
    props: dict[str, Any] = {
        "name": check_name(log.name),
        "tags": check_tags(log.tags),
        "type": log.type.value,
        "status": log.status.value,
        "externalId": log.external_id,
        "description": log.description,
        "startTime": log.start_time,
        "endTime": log.end_time,
        "tuningMethod": log.tuning_method.value if log.tuning_method else None,
        "vcsCommit": log.vcs_commit,
        "vcsRepoUrl": log.vcs_repo_url,
        "libraries": [check_scalar(lib, "libraries") for lib in log.libraries],
    }
    for key, (vt, value) in log.hyperparameters.items():
        props.update(typed_entry(Family.HYPERPARAMETERS, key, vt, value, f"hyperparameters.{key}"))
    for key, metric in log.metrics.items():
        where = f"metrics.{key}"
        check_key(key, where)
        if isinstance(metric, bool) or not isinstance(metric, (int, float)):
            raise Invalid("a metric value is a number", field=where)
        if not math.isfinite(metric):
            raise Invalid("a metric value must be finite", field=where)
        props[METRIC_PREFIX + key] = float(metric)
    for index, point in enumerate(log.metric_points):
        where = f"metrics[{index}]"
        check_key(point.key, where)
        if not math.isfinite(point.value):
            raise Invalid("a metric value must be finite", field=where)
    for key, text in log.environment.items():
        check_key(key, f"environment.{key}")
        props[ENV_PREFIX + key] = check_scalar(str(text), f"environment.{key}")
    return {k: v for k, v in props.items() if v is not None}


def _version_props(nv: NewDatasetVersion, index: int) -> dict[str, Any]:
    where = f"newDatasetVersions[{index}]"
    _text(nv.dataset, f"{where}.dataset")
    check_name(nv.version, f"{where}.version")
    for num, fld in ((nv.rows, "rows"), (nv.bytes, "bytes")):
        if num is not None and num < 0:
            raise Invalid("must not be negative", field=f"{where}.{fld}")
    props: dict[str, Any] = {
        "name": nv.version,
        "description": nv.description,
        "uri": nv.uri,
        "format": nv.format,
        "rows": nv.rows,
        "bytes": nv.bytes,
        "digest": nv.digest,
        "featureNames": nv.feature_names,
        "featuresJson": encode_json(nv.features, f"{where}.features") if nv.features else None,
    }
    return {k: v for k, v in props.items() if v is not None}


def _check_shape(log: ExecutionLog) -> None:
    if len(log.inputs) + len(log.outputs) + len(log.new_dataset_versions) > MAX_REFS:
        raise Invalid(f"at most {MAX_REFS} inputs and outputs", field="inputs")
    for index, ref in enumerate(log.inputs):
        check_key(ref.role, f"inputs[{index}].role")
    pairs = [(nv.dataset, nv.version) for nv in log.new_dataset_versions]
    if len(set(pairs)) != len(pairs):
        raise Invalid("the same new dataset version is listed twice", field="outputs")


def _check_refs(log: ExecutionLog, refs: list[Record], datasets: list[Record]) -> None:
    found = {r["id"]: r for r in refs}
    checks = [(f"inputs[{i}].id", ref.id) for i, ref in enumerate(log.inputs)]
    checks += [(f"outputs[{i}].id", ref) for i, ref in enumerate(log.outputs)]
    for where, ref_id in checks:
        kind = found[ref_id]["kind"]
        if kind is None:
            raise NotFound(f"no entity with id {ref_id!r}", field=where)
        if kind not in _FLOW:
            raise Invalid(
                f"{ref_id!r} is a {kind}; inputs and outputs are dataset versions, "
                "model versions or artifacts",
                field=where,
            )
    if log.experiment_id is not None and found[log.experiment_id]["kind"] != Label.EXPERIMENT:
        raise NotFound(f"no Experiment with id {log.experiment_id!r}", field="experimentId")
    for index, row in enumerate(datasets):
        where = f"newDatasetVersions[{index}]"
        if row["datasetId"] is None:
            raise NotFound(f"no dataset named {row['dataset']!r}", field=f"{where}.dataset")
        require_live(
            {"kind": Label.DATASET.value, "name": row["dataset"], "state": row["datasetState"]},
            f"{where}.dataset",
        )
        if row["existing"] is not None:
            raise Conflict(
                f"dataset {row['dataset']!r} already has a version {row['version']!r}",
                field=f"{where}.version",
            )


def _logged(row: Record, created: bool) -> LoggedExecution:
    return LoggedExecution(
        execution=row["node"],
        created=created,
        inputs=[InputRef(i["id"], i["role"]) for i in row.get("inputs", [])],
        outputs=list(row.get("outputs", [])),
    )


async def find_by_external_id_tx(
    db: Database, tx: AsyncManagedTransaction, external_id: str
) -> LoggedExecution | None:
    """The execution recorded under ``external_id``, if any."""
    row = await db.fetch_one(tx, "lineage/log_find_execution", _FIND, externalId=external_id)
    return _logged(row, created=False) if row else None


async def log_execution(db: Database, log: ExecutionLog, *, actor: Principal) -> LoggedExecution:
    """Record ``log`` in one write transaction (idempotent under ``external_id``)."""
    _check_shape(log)
    _execution_props(log)  # validate before opening a transaction

    async def work(tx: AsyncManagedTransaction) -> LoggedExecution:
        if log.external_id is not None:
            existing = await find_by_external_id_tx(db, tx, log.external_id)
            if existing is not None:
                return existing
        ids = [r.id for r in log.inputs] + list(log.outputs)
        ids += [log.experiment_id] if log.experiment_id else []
        new = [{"dataset": nv.dataset, "version": nv.version} for nv in log.new_dataset_versions]
        check = await db.fetch_one(
            tx, "lineage/log_check_refs", _CHECK, ids=list(dict.fromkeys(ids)), newVersions=new
        )
        assert check is not None  # aggregating subqueries always return one row
        _check_refs(log, check["refs"], check["datasets"])
        # The run and its new dataset versions in one statement (entities.create_many_tx).
        items = [
            entities.new_entity(
                Label.EXECUTION, _execution_props(log), actor=actor, parent_id=log.experiment_id
            )
        ]
        for index, (nv, row) in enumerate(
            zip(log.new_dataset_versions, check["datasets"], strict=True)
        ):
            items.append(
                entities.new_entity(
                    Label.DATASET_VERSION,
                    _version_props(nv, index),
                    actor=actor,
                    parent_id=row["datasetId"],
                )
            )
        execution, *created = await entities.create_many_tx(db, tx, items, actor=actor)
        outputs = list(log.outputs) + [v["id"] for v in created]
        # Every endpoint was read (log_check_refs) or written above: no second look.
        known = {r["id"]: r for r in check["refs"] if r["kind"] is not None}
        known.update({n["id"]: n for n in [execution, *created]})
        await executions.link_tx(
            db,
            tx,
            execution["id"],
            inputs=[(r.id, r.role) for r in log.inputs],
            outputs=outputs,
            actor=actor,
            where="inputs",
            known=known,
        )
        await governance.append_points_tx(
            db,
            tx,
            execution["id"],
            log.metric_points,
        )
        return LoggedExecution(
            execution=execution, created=True, inputs=list(log.inputs), outputs=outputs
        )

    try:
        return await db.write(work)
    except Conflict:
        # A concurrent call with the same externalId won the race: answer with its execution.
        if log.external_id is None:
            raise

        async def again(tx: AsyncManagedTransaction) -> LoggedExecution | None:
            return await find_by_external_id_tx(db, tx, log.external_id or "")

        found = await db.read(again)
        if found is None:
            raise
        return found
