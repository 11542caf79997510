"""Registering a model in one transaction: model, version, artifact, training run, lineage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Conflict, Invalid, NotFound
from modelgraph.domain.graph import Label, require_live
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import ExecutionType
from modelgraph.store import entities, executions, governance
from modelgraph.store.db import Database, Record


@dataclass(frozen=True)
class DatasetRef:
    """A dataset version by id, or by dataset name + version name; ``role`` defaults to train."""

    id: str | None = None
    dataset_name: str | None = None
    version: str | None = None
    role: str = "train"


@dataclass
class TrainingRun:
    """The run that produced the version: Execution properties, metrics and consumed data."""

    props: dict[str, Any] = field(default_factory=dict)
    metrics: list[governance.MetricPoint] = field(default_factory=list)
    inputs: list[DatasetRef] = field(default_factory=list)
    experiment_id: str | None = None


@dataclass
class Registration:
    """What ``register_model`` writes; property maps are validated graph encodings."""

    model_name: str
    version_name: str
    model_props: dict[str, Any] = field(default_factory=dict)
    version_props: dict[str, Any] = field(default_factory=dict)
    artifact_props: dict[str, Any] | None = None
    run: TrainingRun | None = None
    version_metrics: list[governance.MetricPoint] = field(default_factory=list)


@dataclass
class Registered:
    """The nodes ``register_model`` created or found."""

    model: Record
    version: Record
    artifact: Record | None
    execution: Record | None


async def resolve_dataset_ref(
    db: Database, tx: AsyncManagedTransaction, ref: DatasetRef, field: str
) -> Record:
    """The dataset version a reference names, or NotFound / INVALID_ARGUMENT."""
    if ref.id is not None:
        return await entities.require_tx(db, tx, ref.id, Label.DATASET_VERSION, field)
    if ref.dataset_name is None or ref.version is None:
        raise Invalid("give a dataset version id, or datasetName and version", field=field)
    node = await entities.get_by_name_tx(
        db, tx, Label.DATASET_VERSION, ref.version, ref.dataset_name
    )
    if node is None:
        raise NotFound(
            f"no dataset version {ref.version!r} of dataset {ref.dataset_name!r}", field=field
        )
    return node


async def register_model(db: Database, reg: Registration, *, actor: Principal) -> Registered:
    """Upsert the model by name, create version (+ artifact, + training run) in one transaction.

    An existing model is reused as is (its properties are not changed); every reference is
    resolved before the first write, and any failure rolls the whole registration back.
    """

    async def work(tx: AsyncManagedTransaction) -> Registered:
        inputs: list[tuple[Record, str]] = []
        if reg.run is not None:
            for index, ref in enumerate(reg.run.inputs):
                where = f"training.datasets[{index}]"
                inputs.append((await resolve_dataset_ref(db, tx, ref, where), ref.role))
            if reg.run.experiment_id is not None:
                await entities.require_tx(
                    db, tx, reg.run.experiment_id, Label.EXPERIMENT, "training.experimentId"
                )
        model = await entities.get_by_name_tx(db, tx, Label.REGISTERED_MODEL, reg.model_name)
        if model is not None:
            require_live(model, "modelName")
        # Every new node in one create_many_tx: a statement per generation (a new model and the
        # run, then the version, then its artifact). Metrics at creation: their latest values
        # are properties of the new node and the points its history (no separate update, so
        # one created event says it all).
        items: list[entities.NewEntity] = []
        new_model = None
        if model is None:
            new_model = entities.new_entity(
                Label.REGISTERED_MODEL, {**reg.model_props, "name": reg.model_name}, actor=actor
            )
            items.append(new_model)
            model_id = new_model.id
        else:
            model_id = str(model["id"])
        new_version = entities.new_entity(
            Label.MODEL_VERSION,
            {
                **reg.version_props,
                **governance.latest_values(reg.version_metrics),
                "name": reg.version_name,
            },
            actor=actor,
            parent_id=model_id,
        )
        items.append(new_version)
        new_artifact = None
        if reg.artifact_props is not None:
            new_artifact = entities.new_entity(
                Label.MODEL_ARTIFACT,
                {"name": reg.version_name, **reg.artifact_props},
                actor=actor,
                parent_id=new_version.id,
            )
            items.append(new_artifact)
        new_run = None
        if reg.run is not None:
            run_props = {
                # Named by the version's id, not the model's name: a run outside the model's
                # read scope (no experiment, or an open one) must not spell out a closed model.
                "name": f"train {new_version.id}",
                "type": ExecutionType.TRAINING.value,
                **reg.run.props,
                **governance.latest_values(reg.run.metrics),
            }
            new_run = entities.new_entity(
                Label.EXECUTION, run_props, actor=actor, parent_id=reg.run.experiment_id
            )
            items.append(new_run)
        made = dict(
            zip(
                (i.id for i in items),
                await entities.create_many_tx(db, tx, items, actor=actor),
                strict=True,
            )
        )
        model = made[new_model.id] if new_model is not None else model
        assert model is not None
        version = made[new_version.id]
        artifact = made[new_artifact.id] if new_artifact is not None else None
        execution = None
        owned = [(version["id"], reg.version_metrics)]
        if reg.run is not None and new_run is not None:
            execution = made[new_run.id]
            owned.append((execution["id"], reg.run.metrics))
        await governance.append_points_many_tx(db, tx, owned)
        if execution is not None:
            await executions.link_tx(
                db,
                tx,
                execution["id"],
                inputs=[(node["id"], role) for node, role in inputs],
                outputs=[version["id"]],
                actor=actor,
                where="training.datasets",
                known={n["id"]: n for n in [execution, version, *(node for node, _ in inputs)]},
            )
        return Registered(model=model, version=version, artifact=artifact, execution=execution)

    try:
        return await db.write(work)
    except Conflict:
        # A concurrent registration may have created the model first: retry once as an upsert.
        return await db.write(work)
