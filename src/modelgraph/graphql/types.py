"""The registry's GraphQL types: one plain class per entity kind, built from node properties.

Each type is created by ``from_node(props)`` and keeps the raw properties in ``_props`` so that
other modules (graphql/lineage.py) can add resolvers without another read.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry

from modelgraph.domain.graph import ENV_PREFIX, METRIC_PREFIX, Family, Label, State, decode_prefixed
from modelgraph.domain.registry import (
    ArtifactState,
    DeploymentStatus,
    ExecutionStatus,
    ExecutionType,
    Stage,
    TuningMethod,
)
from modelgraph.graphql import lineage_links as ll
from modelgraph.graphql import loaders
from modelgraph.graphql.context import Info
from modelgraph.graphql.pagination import NESTED_PAGE, First, nested_page
from modelgraph.graphql.scalars import JSON, Long, Timestamp
from modelgraph.graphql.values import TypedValue, from_properties
from modelgraph.store.db import Record

EntityState = strawberry.enum(State, name="EntityState", description="LIVE or ARCHIVED.")
StageEnum = strawberry.enum(Stage, name="Stage", description="Approval stage of a version.")
ExecutionTypeEnum = strawberry.enum(ExecutionType, name="ExecutionType")
ExecutionStatusEnum = strawberry.enum(ExecutionStatus, name="ExecutionStatus")
TuningMethodEnum = strawberry.enum(TuningMethod, name="TuningMethod")
DeploymentStatusEnum = strawberry.enum(DeploymentStatus, name="DeploymentStatus")
ArtifactStateEnum = strawberry.enum(ArtifactState, name="ArtifactState")

E = TypeVar("E", bound="Entity")

# Python field name -> enum class, for fields stored as enum value strings.
_ENUM_FIELDS: dict[str, dict[str, type[Enum]]] = {
    "ModelVersion": {"stage": Stage},
    "ModelArtifact": {"artifact_state": ArtifactState},
    "DocArtifact": {"artifact_state": ArtifactState},
    "Execution": {"type": ExecutionType, "status": ExecutionStatus, "tuning_method": TuningMethod},
    "Deployment": {"status": DeploymentStatus},
}


# Parent ids appear under a readable name per kind; they are all stored as ``parentId``.
_PARENT_FIELDS = {
    "model_id": "parentId",
    "version_id": "parentId",
    "dataset_id": "parentId",
    "experiment_id": "parentId",
    "serving_environment_id": "parentId",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type(description="A key with a string value (environment entries).")
class KeyValue:
    key: str
    value: str


@strawberry.type(description="The latest value of a metric.")
class Metric:
    key: str
    value: float


@strawberry.type(description="One point of a metric's history (a training curve).")
class MetricPoint:
    key: str
    value: float
    step: Long | None = None
    timestamp: Timestamp | None = None


@strawberry.type(description="A feature of a dataset version, with its importance if known.")
class Feature:
    name: str
    type: str | None = None
    importance: float | None = None


@strawberry.type(description="One recorded stage change: who, when, from, to, why.")
class StageTransition:
    id: strawberry.ID
    from_stage: StageEnum  # type: ignore[valid-type]
    to_stage: StageEnum  # type: ignore[valid-type]
    by: str
    at: Timestamp
    comment: str | None = None


@strawberry.type(description="An approval of a version for a stage.")
class Approval:
    id: strawberry.ID
    stage: StageEnum  # type: ignore[valid-type]
    by: str
    at: Timestamp
    comment: str | None = None


def _transition(item: Record) -> StageTransition:
    return StageTransition(
        id=item["id"],
        from_stage=Stage(item["fromStage"]),
        to_stage=Stage(item["toStage"]),
        by=item["by"],
        at=item["at"],
        comment=item.get("comment"),
    )


def _approval(item: Record) -> Approval:
    return Approval(
        id=item["id"],
        stage=Stage(item["stage"]),
        by=item["by"],
        at=item["at"],
        comment=item.get("comment"),
    )


def _metrics(props: Record) -> list[Metric]:
    return [Metric(key=k, value=v) for k, v in decode_prefixed(props, METRIC_PREFIX).items()]


async def _metric_history(info: Info, owner_id: str, key: str | None) -> list[MetricPoint]:
    points = await loaders.metric_points(info).load(owner_id)
    return [
        MetricPoint(
            key=p["key"], value=p["value"], step=p.get("step"), timestamp=p.get("timestamp")
        )
        for p in points
        if key is None or p["key"] == key
    ]


@strawberry.interface(description="Fields every registry node has. Nothing is hard-deleted.")
class Entity:
    id: strawberry.ID
    kind: str = strawberry.field(description="The kind label: RegisteredModel, ModelVersion, ...")
    name: str
    state: EntityState  # type: ignore[valid-type]
    created_at: Timestamp
    updated_at: Timestamp
    tags: list[str]
    description: str | None = None
    external_id: str | None = None
    author: str | None = strawberry.field(default=None, description="Who created it.")
    updated_by: str | None = strawberry.field(default=None, description="Who changed it last.")
    _props: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)

    @strawberry.field(description="User-defined typed properties.")
    def custom_properties(self) -> list[TypedValue]:
        return from_properties(self._props, Family.CUSTOM)

    @strawberry.field(
        description="Open-ended typed metadata: explainability, fairness, compliance, notes, ..."
    )
    def metadata(self) -> list[TypedValue]:
        return from_properties(self._props, Family.METADATA)

    @classmethod
    def from_node(cls: type[E], props: Record) -> E:
        """Build the type from a node's property dict."""
        enums = _ENUM_FIELDS.get(cls.__name__, {})
        kwargs: dict[str, Any] = {"tags": []}
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        for f in definition.fields:
            if f.base_resolver is not None:
                continue
            name = f.python_name
            value = props.get(_PARENT_FIELDS.get(name) or _camel(name))
            if value is not None:
                kwargs[name] = enums[name](value) if name in enums else value
        kwargs["state"] = State(props.get("state") or State.LIVE.value)
        return cls(_props=dict(props), **kwargs)


@strawberry.type(description="A model: a named family of versions.")
class RegisteredModel(Entity):
    owner: str | None = None
    framework: str | None = None
    model_type: str | None = None
    language: list[str] | None = None
    library_name: str | None = None
    license: str | None = None
    license_link: str | None = None
    logo: str | None = None
    maturity: str | None = None
    provider: str | None = None
    readme: str | None = None
    tasks: list[str] | None = None

    @strawberry.field(description="Versions, oldest first.")
    async def versions(self, info: Info, first: First = NESTED_PAGE) -> list[ModelVersion]:
        rows = await loaders.children(info, "versions").load(self.id)
        return nested_page([ModelVersion.from_node(r) for r in rows], first)

    @strawberry.field(description="Current aliases (champion, challenger, ...).")
    async def aliases(self, info: Info, first: First = NESTED_PAGE) -> list[AliasAssignment]:
        rows = await loaders.aliases_by_model(info).load(self.id)
        return nested_page(
            [AliasAssignment.from_record(r) for r in rows if r.get("until") is None], first
        )

    @strawberry.field(description="Every alias assignment, current and past, oldest first.")
    async def alias_history(self, info: Info, first: First = NESTED_PAGE) -> list[AliasAssignment]:
        rows = await loaders.aliases_by_model(info).load(self.id)
        return nested_page([AliasAssignment.from_record(r) for r in rows], first)


@strawberry.type(description="Which version held an alias, from `since` until `until`.")
class AliasAssignment:
    alias: str
    since: Timestamp
    until: Timestamp | None
    by: str | None
    version_id: strawberry.ID

    @classmethod
    def from_record(cls, item: Record) -> AliasAssignment:
        """From an AliasAssignment property dict with ``versionId``."""
        return cls(
            alias=item["alias"],
            since=item["since"],
            until=item.get("until"),
            by=item.get("by"),
            version_id=item["versionId"],
        )

    @strawberry.field
    async def version(self, info: Info) -> ModelVersion | None:
        node = await loaders.node(info, "AliasAssignment.version").load(self.version_id)
        return ModelVersion.from_node(node) if node else None


@strawberry.type(description="A DEPLOYED_AS record: a version serving a deployment for a period.")
class DeploymentRecord:
    since: Timestamp
    until: Timestamp | None
    by: str | None
    version_id: strawberry.ID
    deployment_id: strawberry.ID
    # The far end of the edge, read with the record (so no second query per level).
    _version: strawberry.Private[Record | None] = None
    _deployment: strawberry.Private[Record | None] = None

    @classmethod
    def from_record(cls, item: Record) -> DeploymentRecord:
        """From a DEPLOYED_AS property dict with ids and the version or deployment node."""
        return cls(
            since=item["since"],
            until=item.get("until"),
            by=item.get("by"),
            version_id=item["versionId"],
            deployment_id=item["deploymentId"],
            _version=item.get("version"),
            _deployment=item.get("deployment"),
        )

    @strawberry.field
    async def version(self, info: Info) -> ModelVersion | None:
        node = self._version or await loaders.node(info, "DeploymentRecord.version").load(
            self.version_id
        )
        return ModelVersion.from_node(node) if node else None

    @strawberry.field
    async def deployment(self, info: Info) -> Deployment | None:
        node = self._deployment or await loaders.node(info, "DeploymentRecord.deployment").load(
            self.deployment_id
        )
        return Deployment.from_node(node) if node else None


@strawberry.type(description="One version of a model.")
class ModelVersion(Entity):
    model_id: strawberry.ID | None = None
    framework: str | None = None
    framework_version: str | None = None
    model_type: str | None = None
    stage: StageEnum = Stage.DEVELOPMENT  # type: ignore[valid-type]
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    vcs_branch: str | None = None
    model_size_bytes: Long | None = None
    inference_latency_ms: float | None = None
    training_time_ms: Long | None = None

    @strawberry.field(description="Latest value of each metric.")
    def metrics(self) -> list[Metric]:
        return _metrics(self._props)

    @strawberry.field(description="Metric history (all keys, or one), ordered by step.")
    async def metric_history(
        self, info: Info, key: str | None = None, first: First = NESTED_PAGE
    ) -> list[MetricPoint]:
        return nested_page(await _metric_history(info, self.id, key), first)

    @strawberry.field
    async def model(self, info: Info) -> RegisteredModel | None:
        node = (
            await loaders.node(info, "ModelVersion.model").load(self.model_id)
            if self.model_id
            else None
        )
        return RegisteredModel.from_node(node) if node else None

    @strawberry.field(description="Model and documentation artifacts, oldest first.")
    async def artifacts(self, info: Info, first: First = NESTED_PAGE) -> list[Artifact]:
        rows = await loaders.children(info, "artifacts").load(self.id)
        return nested_page(
            [
                ModelArtifact.from_node(r)
                if r["kind"] == Label.MODEL_ARTIFACT.value
                else DocArtifact.from_node(r)
                for r in rows
            ],
            first,
        )

    @strawberry.field(description="Stage transitions, oldest first.")
    async def stage_history(self, info: Info, first: First = NESTED_PAGE) -> list[StageTransition]:
        return nested_page(
            [_transition(r) for r in await loaders.transitions(info).load(self.id)], first
        )

    @strawberry.field
    async def approvals(self, info: Info, first: First = NESTED_PAGE) -> list[Approval]:
        return nested_page(
            [_approval(r) for r in await loaders.approvals(info).load(self.id)], first
        )

    @strawberry.field(description="Aliases currently pointing at this version.")
    async def aliases(self, info: Info) -> list[str]:
        return await loaders.aliases_by_version(info).load(self.id)

    @strawberry.field(description="Every DEPLOYED_AS record of this version, newest first.")
    async def deployment_history(
        self, info: Info, first: First = NESTED_PAGE
    ) -> list[DeploymentRecord]:
        rows = await loaders.deployments_by_version(info).load(self.id)
        return nested_page([DeploymentRecord.from_record(r) for r in rows], first)

    @strawberry.field(description="Deployments this version serves right now.")
    async def current_deployments(self, info: Info, first: First = NESTED_PAGE) -> list[Deployment]:
        rows = await loaders.deployments_by_version(info).load(self.id)
        return nested_page(
            [Deployment.from_node(r["deployment"]) for r in rows if r.get("until") is None], first
        )

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="Runs that produced it, oldest first.")
    async def produced_by(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.PRODUCERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)

    @strawberry.field(description="The latest TRAINING run that produced it (else the latest run).")
    async def trained_by(self, info: Info) -> Execution | None:
        rows = await ll.link(info, ll.Link.PRODUCERS).load(self.id)
        training = [r for r in rows if r.get("type") == ExecutionType.TRAINING.value] or rows
        return Execution.from_node(training[-1]) if training else None

    @strawberry.field(description="Dataset versions consumed by the runs that produced it.")
    async def consumed_datasets(
        self, info: Info, first: First = NESTED_PAGE
    ) -> list[DatasetVersion]:
        rows = await ll.link(info, ll.Link.CONSUMED_DATASETS).load(self.id)
        return nested_page([DatasetVersion.from_node(r) for r in rows], first)

    @strawberry.field(description="Runs that consumed it (any role), oldest first.")
    async def consumers(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.CONSUMERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@strawberry.type(description="A stored model file: where it is and what format.")
class ModelArtifact(Entity):
    version_id: strawberry.ID | None = None
    uri: str | None = None
    model_format_name: str | None = None
    model_format_version: str | None = None
    size_bytes: Long | None = None
    digest: str | None = None
    storage_key: str | None = None
    storage_path: str | None = None
    service_account_name: str | None = None
    artifact_state: ArtifactStateEnum | None = None  # type: ignore[valid-type]

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="Runs that produced it, oldest first.")
    async def produced_by(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.PRODUCERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)

    @strawberry.field(description="Runs that consumed it (any role), oldest first.")
    async def consumers(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.CONSUMERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@strawberry.type(description="A documentation artifact (model card, report) of a version.")
class DocArtifact(Entity):
    version_id: strawberry.ID | None = None
    uri: str | None = None
    artifact_state: ArtifactStateEnum | None = None  # type: ignore[valid-type]


Artifact = Annotated[ModelArtifact | DocArtifact, strawberry.union("Artifact")]


@strawberry.type(description="A dataset: a named family of versions.")
class Dataset(Entity):
    owner: str | None = None
    source_uri: str | None = None
    format: str | None = None

    @strawberry.field(description="Versions, oldest first.")
    async def versions(self, info: Info, first: First = NESTED_PAGE) -> list[DatasetVersion]:
        rows = await loaders.children(info, "dataset_versions").load(self.id)
        return nested_page([DatasetVersion.from_node(r) for r in rows], first)

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="Runs that consumed any of its versions, oldest first.")
    async def consumers(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.DATASET_CONSUMERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@strawberry.type(description="One version of a dataset: location, size and features.")
class DatasetVersion(Entity):
    dataset_id: strawberry.ID | None = None
    uri: str | None = None
    format: str | None = None
    rows: Long | None = None
    bytes: Long | None = None
    digest: str | None = None
    feature_names: list[str] | None = None

    @strawberry.field(description="Features with type and importance.")
    def features(self) -> list[Feature]:
        raw = self._props.get("featuresJson")
        items = json.loads(raw) if raw else []
        return [
            Feature(name=f["name"], type=f.get("type"), importance=f.get("importance"))
            for f in items
        ]

    @strawberry.field
    async def dataset(self, info: Info) -> Dataset | None:
        node = (
            await loaders.node(info, "DatasetVersion.dataset").load(self.dataset_id)
            if self.dataset_id
            else None
        )
        return Dataset.from_node(node) if node else None

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="Runs that produced it, oldest first.")
    async def produced_by(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.PRODUCERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)

    @strawberry.field(description="Runs that consumed it (any role), oldest first.")
    async def consumers(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, ll.Link.CONSUMERS).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@strawberry.type(description="A run: preprocessing, feature engineering, training, tuning, ...")
class Execution(Entity):
    experiment_id: strawberry.ID | None = None
    type: ExecutionTypeEnum | None = None  # type: ignore[valid-type]
    status: ExecutionStatusEnum | None = None  # type: ignore[valid-type]
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    tuning_method: TuningMethodEnum | None = None  # type: ignore[valid-type]
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    libraries: list[str] | None = strawberry.field(
        default=None, description="Libraries as `name==version`."
    )

    @strawberry.field
    def hyperparameters(self) -> list[TypedValue]:
        return from_properties(self._props, Family.HYPERPARAMETERS)

    @strawberry.field(description="Tuning trials (JSON).")
    def trials(self) -> JSON | None:
        raw = self._props.get("trialsJson")
        return json.loads(raw) if raw else None

    @strawberry.field(description="hardware, cloud, os, pythonVersion, framework, ...")
    def environment(self) -> list[KeyValue]:
        env = decode_prefixed(self._props, ENV_PREFIX)
        return [KeyValue(key=k, value=str(v)) for k, v in env.items()]

    @strawberry.field(description="Latest value of each metric.")
    def metrics(self) -> list[Metric]:
        return _metrics(self._props)

    @strawberry.field(description="Metric history (all keys, or one), ordered by step.")
    async def metric_history(
        self, info: Info, key: str | None = None, first: First = NESTED_PAGE
    ) -> list[MetricPoint]:
        return nested_page(await _metric_history(info, self.id, key), first)

    @strawberry.field
    async def experiment(self, info: Info) -> Experiment | None:
        node = (
            await loaders.node(info, "Execution.experiment").load(self.experiment_id)
            if self.experiment_id
            else None
        )
        return Experiment.from_node(node) if node else None

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="What the run consumed, with roles.")
    async def inputs(self, info: Info, first: First = NESTED_PAGE) -> list[ll.ExecutionInput]:
        return nested_page(await ll.execution_inputs(info, self.id), first)

    @strawberry.field(description="What the run produced.")
    async def outputs(self, info: Info, first: First = NESTED_PAGE) -> list[Entity]:
        rows = await ll.link(info, ll.Link.OUTPUTS).load(self.id)
        return nested_page([entity_from_node(r) for r in rows], first)


@strawberry.type(description="A group of runs.")
class Experiment(Entity):
    owner: str | None = None

    @strawberry.field(description="Runs, oldest first.")
    async def runs(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await loaders.children(info, "runs").load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@strawberry.type(description="Where deployments run (a cluster, a cloud service).")
class ServingEnvironment(Entity):
    platform: str | None = None
    region: str | None = None
    url: str | None = None

    @strawberry.field(description="Deployments, oldest first.")
    async def deployments(self, info: Info, first: First = NESTED_PAGE) -> list[Deployment]:
        rows = await loaders.children(info, "deployments").load(self.id)
        return nested_page([Deployment.from_node(r) for r in rows], first)


@strawberry.type(description="A named deployment in a serving environment.")
class Deployment(Entity):
    serving_environment_id: strawberry.ID | None = None
    status: DeploymentStatusEnum | None = None  # type: ignore[valid-type]
    endpoint: str | None = None
    runtime: str | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    autoscaling: bool | None = None
    monitoring_links: list[str] | None = None
    inference_latency_ms: float | None = None

    @strawberry.field(description="Scaling configuration (JSON).")
    def scaling(self) -> JSON | None:
        raw = self._props.get("scalingJson")
        return json.loads(raw) if raw else None

    @strawberry.field
    async def serving_environment(self, info: Info) -> ServingEnvironment | None:
        env_id = self.serving_environment_id
        node = (
            await loaders.node(info, "Deployment.serving_environment").load(env_id)
            if env_id
            else None
        )
        return ServingEnvironment.from_node(node) if node else None

    @strawberry.field(description="Which version served it when, newest first.")
    async def deployment_history(
        self, info: Info, first: First = NESTED_PAGE
    ) -> list[DeploymentRecord]:
        rows = await loaders.deployments_by_deployment(info).load(self.id)
        return nested_page([DeploymentRecord.from_record(r) for r in rows], first)

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="The version serving it now, or at `asOf` (epoch ms).")
    async def served_version(
        self,
        info: Info,
        as_of: Timestamp | None = None,
    ) -> ModelVersion | None:
        rows = await ll.served(info, as_of).load(self.id)
        return ModelVersion.from_node(rows[0]) if rows else None


TYPE_BY_KIND: dict[str, type[Entity]] = {
    Label.REGISTERED_MODEL.value: RegisteredModel,
    Label.MODEL_VERSION.value: ModelVersion,
    Label.MODEL_ARTIFACT.value: ModelArtifact,
    Label.DOC_ARTIFACT.value: DocArtifact,
    Label.DATASET.value: Dataset,
    Label.DATASET_VERSION.value: DatasetVersion,
    Label.EXECUTION.value: Execution,
    Label.EXPERIMENT.value: Experiment,
    Label.SERVING_ENVIRONMENT.value: ServingEnvironment,
    Label.DEPLOYMENT.value: Deployment,
}


def entity_from_node(props: Record) -> Entity:
    """The typed object for any entity's property dict."""
    return TYPE_BY_KIND[props["kind"]].from_node(props)
