"""The registry's GraphQL types: one class per entity kind, its fields from the kind catalogue.

Plain fields (domain/catalog.py) are copied from the node when the object is built, structured
ones are sync resolvers over the same properties, kept in ``_props`` so that other modules
(graphql/lineage.py) can add resolvers without another read. Only relations are async (loaders).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Iterable
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar

import strawberry

from modelgraph.domain.catalog import COMMON, KINDS, PARENT_ID, STRUCTURED, Prop, Shape
from modelgraph.domain.graph import ENV_PREFIX, METRIC_PREFIX, Label, decode_prefixed
from modelgraph.domain.registry import ExecutionType, Stage
from modelgraph.graphql import lineage_links as ll
from modelgraph.graphql import loaders
from modelgraph.graphql.catalog import (
    ArtifactStateEnum,
    DeploymentStatusEnum,
    EntityState,
    ExecutionStatusEnum,
    ExecutionTypeEnum,
    Injected,
    StageEnum,
    TuningMethodEnum,
    derive,
    described,
    scalar_type,
)
from modelgraph.graphql.context import Info
from modelgraph.graphql.pagination import NESTED_PAGE, First, nested_page
from modelgraph.graphql.scalars import JSON, Long, Timestamp
from modelgraph.graphql.values import TypedValue, from_properties
from modelgraph.store.db import Record

__all__ = [
    "ArtifactStateEnum",
    "DeploymentStatusEnum",
    "EntityState",
    "ExecutionStatusEnum",
    "ExecutionTypeEnum",
    "StageEnum",
    "TuningMethodEnum",
]

E = TypeVar("E", bound="Entity")


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


def _metric_history() -> Any:
    async def metric_history(
        self: Entity, info: Info, key: str | None = None, first: First = NESTED_PAGE
    ) -> list[MetricPoint]:
        points = await loaders.metric_points(info).load(self.id)
        return nested_page(
            [
                MetricPoint(
                    key=p["key"], value=p["value"], step=p.get("step"), timestamp=p.get("timestamp")
                )
                for p in points
                if key is None or p["key"] == key
            ],
            first,
        )

    description = "Metric history (all keys, or one), ordered by step."
    return strawberry.field(resolver=metric_history, description=description)


def _runs(link: ll.Link, description: str) -> Any:
    """A list of the runs linked to an entity (its producers or consumers), oldest first."""

    async def runs(self: Entity, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await ll.link(info, link).load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)

    return strawberry.field(resolver=runs, description=description)


def _features(props: Record) -> list[Feature]:
    raw = props.get("featuresJson")
    items = json.loads(raw) if raw else []
    return [
        Feature(name=f["name"], type=f.get("type"), importance=f.get("importance")) for f in items
    ]


def _environment(props: Record) -> list[KeyValue]:
    return [KeyValue(key=k, value=str(v)) for k, v in decode_prefixed(props, ENV_PREFIX).items()]


def _structured(p: Prop) -> tuple[Any, Callable[[Record], Any]]:
    """The output type of a structured field and how it is read from the node's properties."""
    if p.shape is Shape.TYPED_MAP:
        family = p.family
        assert family is not None  # the catalogue gives every typed map its family
        return list[TypedValue], lambda props: from_properties(props, family)
    if p.shape is Shape.METRICS:
        return list[Metric], _metrics
    if p.shape is Shape.ENVIRONMENT:
        return list[KeyValue], _environment
    if p.shape is Shape.FEATURES:
        return list[Feature], _features

    def blob(props: Record) -> Any:
        raw = props.get(p.prop)
        return json.loads(raw) if raw else None

    return JSON | None, blob


def _resolver(p: Prop) -> Any:
    """A sync resolver over the already-fetched properties."""
    annotation, read = _structured(p)

    def resolve(self: Any) -> Any:
        return read(self._props)

    resolve.__annotations__["return"] = annotation
    return strawberry.field(resolver=resolve, description=p.doc)


def _output_fields(props: Iterable[Prop]) -> list[Injected]:
    fields: list[Injected] = []
    for p in props:
        if not p.output:
            continue
        if p.shape in STRUCTURED:
            fields.append((p.name, None, _resolver(p)))
        elif p.required:
            fields.append((p.name, scalar_type(p, True), described(p.doc)))
        else:
            fields.append((p.name, scalar_type(p, False), described(p.doc, None)))
    return fields


# (attribute, node property, enum, default) of the plain fields from_node copies.
Plain = tuple[tuple[str, str, type[Enum] | None, Any], ...]


def _plain(props: Iterable[Prop]) -> Plain:
    return tuple(
        (p.name, p.prop, p.enum, p.default) for p in props if p.output and p.shape not in STRUCTURED
    )


@strawberry.interface(description="Fields every registry node has. Nothing is hard-deleted.")
@derive(_output_fields(COMMON))
class Entity:
    id: strawberry.ID
    _props: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)
    _plain: ClassVar[Plain] = _plain(COMMON)

    @classmethod
    def from_node(cls: type[E], props: Record) -> E:
        """Build the type from a node's property dict."""
        kwargs: dict[str, Any] = {}
        for name, prop, enum, default in cls._plain:
            value = props.get(prop)
            kwargs[name] = default if value is None else enum(value) if enum else value
        return cls(id=props["id"], _props=dict(props), **kwargs)

    async def _parent(self, info: Info, via: str) -> Record | None:
        parent_id = self._props.get(PARENT_ID)
        return await loaders.node(info, via).load(parent_id) if parent_id else None


def _build(cls: type[E], node: Record | None) -> E | None:
    return cls.from_node(node) if node else None


async def _later(cls: type[E], node: Awaitable[Record | None]) -> E | None:
    return _build(cls, await node)


def kind_type(kind: Label, description: str) -> Callable[[type[E]], type[E]]:
    """The strawberry type of ``kind``: the catalogue's fields, then the class's own resolvers."""

    def apply(cls: type[E]) -> type[E]:
        derived = strawberry.type(derive(_output_fields(KINDS[kind]))(cls), description=description)
        derived._plain = Entity._plain + _plain(KINDS[kind])
        return derived

    return apply


@kind_type(Label.REGISTERED_MODEL, "A model: a named family of versions.")
class RegisteredModel(Entity):
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

    # Sync when the record carries the node (an awaitable only when it must be loaded).
    @strawberry.field
    def version(self, info: Info) -> ModelVersion | None:
        if self._version is not None:
            return ModelVersion.from_node(self._version)
        via = loaders.node(info, "DeploymentRecord.version").load(self.version_id)
        return _later(ModelVersion, via)  # type: ignore[return-value]

    @strawberry.field
    def deployment(self, info: Info) -> Deployment | None:
        if self._deployment is not None:
            return Deployment.from_node(self._deployment)
        via = loaders.node(info, "DeploymentRecord.deployment").load(self.deployment_id)
        return _later(Deployment, via)  # type: ignore[return-value]


@kind_type(Label.MODEL_VERSION, "One version of a model.")
class ModelVersion(Entity):
    metric_history = _metric_history()

    @strawberry.field
    async def model(self, info: Info) -> RegisteredModel | None:
        return _build(RegisteredModel, await self._parent(info, "ModelVersion.model"))

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
    produced_by = _runs(ll.Link.PRODUCERS, "Runs that produced it, oldest first.")

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

    consumers = _runs(ll.Link.CONSUMERS, "Runs that consumed it (any role), oldest first.")


@kind_type(Label.MODEL_ARTIFACT, "A stored model file: where it is and what format.")
class ModelArtifact(Entity):
    # lineage fields: graphql/lineage.py
    produced_by = _runs(ll.Link.PRODUCERS, "Runs that produced it, oldest first.")

    consumers = _runs(ll.Link.CONSUMERS, "Runs that consumed it (any role), oldest first.")


@kind_type(Label.DOC_ARTIFACT, "A documentation artifact (model card, report) of a version.")
class DocArtifact(Entity):
    pass


Artifact = Annotated[ModelArtifact | DocArtifact, strawberry.union("Artifact")]


@kind_type(Label.DATASET, "A dataset: a named family of versions.")
class Dataset(Entity):
    @strawberry.field(description="Versions, oldest first.")
    async def versions(self, info: Info, first: First = NESTED_PAGE) -> list[DatasetVersion]:
        rows = await loaders.children(info, "dataset_versions").load(self.id)
        return nested_page([DatasetVersion.from_node(r) for r in rows], first)

    # lineage fields: graphql/lineage.py
    consumers = _runs(
        ll.Link.DATASET_CONSUMERS, "Runs that consumed any of its versions, oldest first."
    )


@kind_type(Label.DATASET_VERSION, "One version of a dataset: location, size and features.")
class DatasetVersion(Entity):
    @strawberry.field
    async def dataset(self, info: Info) -> Dataset | None:
        return _build(Dataset, await self._parent(info, "DatasetVersion.dataset"))

    # lineage fields: graphql/lineage.py
    produced_by = _runs(ll.Link.PRODUCERS, "Runs that produced it, oldest first.")

    consumers = _runs(ll.Link.CONSUMERS, "Runs that consumed it (any role), oldest first.")


@kind_type(Label.EXECUTION, "A run: preprocessing, feature engineering, training, tuning, ...")
class Execution(Entity):
    metric_history = _metric_history()

    @strawberry.field
    async def experiment(self, info: Info) -> Experiment | None:
        return _build(Experiment, await self._parent(info, "Execution.experiment"))

    # lineage fields: graphql/lineage.py
    @strawberry.field(description="What the run consumed, with roles.")
    async def inputs(self, info: Info, first: First = NESTED_PAGE) -> list[ll.ExecutionInput]:
        return nested_page(await ll.execution_inputs(info, self.id), first)

    @strawberry.field(description="What the run produced.")
    async def outputs(self, info: Info, first: First = NESTED_PAGE) -> list[Entity]:
        rows = await ll.link(info, ll.Link.OUTPUTS).load(self.id)
        return nested_page([entity_from_node(r) for r in rows], first)


@kind_type(Label.EXPERIMENT, "A group of runs.")
class Experiment(Entity):
    @strawberry.field(description="Runs, oldest first.")
    async def runs(self, info: Info, first: First = NESTED_PAGE) -> list[Execution]:
        rows = await loaders.children(info, "runs").load(self.id)
        return nested_page([Execution.from_node(r) for r in rows], first)


@kind_type(Label.SERVING_ENVIRONMENT, "Where deployments run (a cluster, a cloud service).")
class ServingEnvironment(Entity):
    @strawberry.field(description="Deployments, oldest first.")
    async def deployments(self, info: Info, first: First = NESTED_PAGE) -> list[Deployment]:
        rows = await loaders.children(info, "deployments").load(self.id)
        return nested_page([Deployment.from_node(r) for r in rows], first)


@kind_type(Label.DEPLOYMENT, "A named deployment in a serving environment.")
class Deployment(Entity):
    @strawberry.field
    async def serving_environment(self, info: Info) -> ServingEnvironment | None:
        return _build(
            ServingEnvironment, await self._parent(info, "Deployment.serving_environment")
        )

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
