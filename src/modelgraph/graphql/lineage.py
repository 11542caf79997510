"""Lineage in GraphQL: `trace`, `impact`, `lineage`, `diff`, `lineageGaps` and `logExecution`.

Resolvers validate arguments and call store/lineage.py; every answer is one read transaction.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    ENV_PREFIX,
    METRIC_PREFIX,
    Family,
    Label,
    State,
    ValueType,
    decode_prefixed,
)
from modelgraph.domain.registry import ExecutionStatus, ExecutionType, Stage, TuningMethod
from modelgraph.graphql import loaders
from modelgraph.graphql import types as t
from modelgraph.graphql.context import Info
from modelgraph.graphql.inputs import FeatureInput, KeyValueInput, MetricInput
from modelgraph.graphql.scalars import JSON, Long, Timestamp, timestamp
from modelgraph.graphql.values import TypedValue, TypedValueInput, from_properties, typed_value
from modelgraph.store import lineage as store
from modelgraph.store import lineage_log
from modelgraph.store.lineage import Direction


@strawberry.enum(description="The kind of an entity: its label, as in `Entity.kind`.")
class EntityKind(Enum):
    RegisteredModel = Label.REGISTERED_MODEL.value
    ModelVersion = Label.MODEL_VERSION.value
    ModelArtifact = Label.MODEL_ARTIFACT.value
    DocArtifact = Label.DOC_ARTIFACT.value
    Dataset = Label.DATASET.value
    DatasetVersion = Label.DATASET_VERSION.value
    Execution = Label.EXECUTION.value
    Experiment = Label.EXPERIMENT.value
    ServingEnvironment = Label.SERVING_ENVIRONMENT.value
    Deployment = Label.DEPLOYMENT.value


LineageDirection = strawberry.enum(
    Direction, name="LineageDirection", description="UPSTREAM = where it came from."
)


@strawberry.enum(description="How a value differs between version A and version B.")
class ChangeKind(Enum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@strawberry.type(
    description="One node of a lineage answer, with its distance and one path. A node the "
    "caller may not read is a placeholder: `restricted` true, only id, kind, distance and path "
    "set, every other field null."
)
class LineageNode:
    id: strawberry.ID
    kind: EntityKind
    name: str | None = strawberry.field(description="Null when restricted.")
    label: str | None = strawberry.field(
        description="`parent:version` for versions, else the name; null when restricted."
    )
    parent_name: str | None = strawberry.field(description="The model or dataset of a version.")
    distance: int = strawberry.field(description="Hops from the root (0 = the root).")
    path: list[strawberry.ID] = strawberry.field(
        description="Ids of one shortest path, root first, this node last."
    )
    state: t.EntityState | None  # type: ignore[valid-type]
    created_at: Timestamp | None
    restricted: bool = strawberry.field(
        default=False, description="The caller lacks READ on it: a placeholder."
    )
    _props: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_item(cls, item: store.LineageItem) -> LineageNode:
        """From a store item (properties, distance, path); a restricted item stays one."""
        if item.restricted:
            return cls(
                id=strawberry.ID(item.id),
                kind=EntityKind(item.kind),
                name=None,
                label=None,
                parent_name=None,
                distance=item.distance,
                path=[strawberry.ID(i) for i in item.path],
                state=None,
                created_at=None,
                restricted=True,
            )
        props = item.props
        return cls(
            id=strawberry.ID(item.id),
            kind=EntityKind(item.kind),
            name=item.name,
            label=item.label,
            parent_name=item.parent_name,
            distance=item.distance,
            path=[strawberry.ID(i) for i in item.path],
            state=State(props.get("state") or State.LIVE.value),
            created_at=props.get("createdAt"),
            _props=dict(props),
        )

    def _get(self, key: str) -> Any:
        return self._props.get(key)

    @strawberry.field(description="The full registry object (no extra read); null when restricted.")
    def entity(self) -> t.Entity | None:
        return None if self.restricted else t.entity_from_node(self._props)

    @strawberry.field
    def description(self) -> str | None:
        return self._get("description")  # type: ignore[no-any-return]

    @strawberry.field(description="Execution: hyperparameters.")
    def hyperparameters(self) -> list[TypedValue] | None:
        return None if self.restricted else from_properties(self._props, Family.HYPERPARAMETERS)

    @strawberry.field(description="Execution or ModelVersion: latest metric values.")
    def metrics(self) -> list[t.Metric] | None:
        if self.restricted:
            return None
        found = decode_prefixed(self._props, METRIC_PREFIX)
        return [t.Metric(key=k, value=v) for k, v in found.items()]

    @strawberry.field(description="Execution: hardware, cloud, os, pythonVersion, ...")
    def environment(self) -> list[t.KeyValue] | None:
        if self.restricted:
            return None
        found = decode_prefixed(self._props, ENV_PREFIX)
        return [t.KeyValue(key=k, value=str(v)) for k, v in found.items()]

    @strawberry.field(description="Execution: libraries as `name==version`.")
    def libraries(self) -> list[str] | None:
        return self._get("libraries")  # type: ignore[no-any-return]

    @strawberry.field(description="Execution: what the run did.")
    def execution_type(self) -> t.ExecutionTypeEnum | None:  # type: ignore[valid-type]
        raw = self._get("type") if self._get("kind") == Label.EXECUTION.value else None
        return ExecutionType(raw) if raw else None

    @strawberry.field(description="Execution or Deployment status.")
    def status(self) -> str | None:
        return self._get("status")  # type: ignore[no-any-return]

    @strawberry.field
    def start_time(self) -> Timestamp | None:
        return self._get("startTime")  # type: ignore[no-any-return]

    @strawberry.field
    def end_time(self) -> Timestamp | None:
        return self._get("endTime")  # type: ignore[no-any-return]

    @strawberry.field(description="DatasetVersion: number of rows.")
    def rows(self) -> Long | None:
        return self._get("rows")  # type: ignore[no-any-return]

    @strawberry.field(description="DatasetVersion: size in bytes.")
    def bytes(self) -> Long | None:
        return self._get("bytes")  # type: ignore[no-any-return]

    @strawberry.field(description="DatasetVersion: feature names.")
    def feature_names(self) -> list[str] | None:
        return self._get("featureNames")  # type: ignore[no-any-return]

    @strawberry.field(description="DatasetVersion: features with type and importance.")
    def features(self) -> list[t.Feature] | None:
        if self.restricted:
            return None
        raw = self._get("featuresJson")
        return [
            t.Feature(name=f["name"], type=f.get("type"), importance=f.get("importance"))
            for f in (json.loads(raw) if raw else [])
        ]

    @strawberry.field(description="Artifact or DatasetVersion location.")
    def uri(self) -> str | None:
        return self._get("uri")  # type: ignore[no-any-return]

    @strawberry.field
    def framework(self) -> str | None:
        return self._get("framework")  # type: ignore[no-any-return]

    @strawberry.field
    def model_type(self) -> str | None:
        return self._get("modelType")  # type: ignore[no-any-return]

    @strawberry.field(description="ModelVersion: approval stage.")
    def stage(self) -> t.StageEnum | None:  # type: ignore[valid-type]
        raw = self._get("stage")
        return Stage(raw) if raw else None


@strawberry.type(description="A relationship between two returned nodes.")
class LineageEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str = strawberry.field(description="CONSUMED_BY, PRODUCED, DEPLOYED_AS or HAS_VERSION.")
    role: str | None = strawberry.field(default=None, description="CONSUMED_BY: the input role.")
    since: Timestamp | None = None
    until: Timestamp | None = None
    by: str | None = None

    @classmethod
    def from_edge(cls, edge: store.LineageEdge) -> LineageEdge:
        """From a store edge."""
        return cls(
            source=strawberry.ID(edge.source),
            target=strawberry.ID(edge.target),
            type=edge.type,
            role=edge.role,
            since=timestamp(edge.since),
            until=timestamp(edge.until),
            by=edge.by,
        )


@strawberry.type(description="A version serving a deployment (DEPLOYED_AS) for a period.")
class ServedVersion:
    version: LineageNode
    since: Timestamp | None
    until: Timestamp | None
    by: str | None


@strawberry.type(description="How many dependent nodes of one kind.")
class KindCount:
    kind: EntityKind
    count: int


# LineageNode fields a slim node map answers (store walk ``full=False``); any other field
# (hyperparameters, entity, stage, ...) needs every property. Unknown names count as "other".
_SLIM_NODE_FIELDS = frozenset(
    {
        "__typename",
        "id",
        "kind",
        "name",
        "label",
        "parentName",
        "distance",
        "path",
        "state",
        "createdAt",
        "restricted",
    }
)
# Fields whose value is a list item node (the root always comes with every property).
_ITEM_FIELDS = frozenset({"nodes", "version"})


@dataclasses.dataclass
class _Wants:
    """What a lineage answer's selection needs from the walk."""

    full: bool = False
    paths: bool = False
    fields: set[str] = dataclasses.field(default_factory=set)  # top-level field names


def _visit(selections: list[Selection], in_item: bool, wants: _Wants, top: bool = False) -> None:
    for sel in selections:
        if not isinstance(sel, SelectedField):  # inline fragment or fragment spread: same level
            _visit(sel.selections, in_item, wants, top)
            continue
        if top:
            wants.fields.add(sel.name)
        if in_item:
            wants.paths |= sel.name == "path"
            wants.full |= sel.name not in _SLIM_NODE_FIELDS
        else:
            _visit(sel.selections, sel.name in _ITEM_FIELDS, wants)


def _wants(info: Info) -> _Wants:
    """Inspect the selection under this field: node properties and paths only when asked for."""
    wants = _Wants()
    for field in info.selected_fields:
        _visit(field.selections, False, wants, top=True)
    return wants


def _filter(graph: store.LineageGraph, kinds: list[EntityKind] | None) -> list[store.LineageItem]:
    wanted = {k.value for k in kinds} if kinds else None
    return [i for i in graph.items if wanted is None or i.kind in wanted]


@strawberry.type(description="A lineage subgraph: nodes by distance and the edges among them.")
class LineageGraph:
    as_of: Timestamp | None
    truncated: bool = strawberry.field(
        description="A depth or node cap was hit: more lineage exists than returned."
    )
    _graph: strawberry.Private[store.LineageGraph]

    @classmethod
    def of(cls, graph: store.LineageGraph) -> LineageGraph:
        """Wrap a store answer."""
        return cls(as_of=timestamp(graph.as_of), truncated=graph.truncated, _graph=graph)

    @strawberry.field(description="The entity the question started from (distance 0).")
    def root(self) -> LineageNode:
        return LineageNode.from_item(self._graph.root)

    @strawberry.field(description="Nodes ordered by distance, each once; optionally of kinds.")
    def nodes(self, kinds: list[EntityKind] | None = None) -> list[LineageNode]:
        return [LineageNode.from_item(i) for i in _filter(self._graph, kinds)]

    @strawberry.field(description="Every lineage edge between two returned nodes.")
    def edges(self) -> list[LineageEdge]:
        return [LineageEdge.from_edge(e) for e in self._graph.edges]

    @strawberry.field(description="For a Deployment root: the version serving it (at asOf).")
    def served(self) -> list[ServedVersion]:
        return [
            ServedVersion(
                version=LineageNode.from_item(item),
                since=timestamp(e.since),
                until=timestamp(e.until),
                by=e.by,
            )
            for item, e in self._graph.served()
        ]


@strawberry.type(description="What depends on a dataset (version): nodes, edges and counts.")
class Impact:
    _root_id: strawberry.Private[str]
    _graph: strawberry.Private[store.LineageGraph | None]
    _counts: strawberry.Private[store.ImpactCounts | None]
    _request: strawberry.Private[store.WalkRequest]

    def _walk(self) -> store.LineageGraph:
        # The resolver walks whenever a field other than counts is selected.
        if self._graph is None:
            raise RuntimeError("impact walk not loaded")
        return self._graph

    @strawberry.field(description="The entity the question started from.")
    def root(self) -> LineageNode:
        return LineageNode.from_item(self._walk().root)

    @strawberry.field(description="Dependent nodes by distance; optionally of kinds.")
    def nodes(self, kinds: list[EntityKind] | None = None) -> list[LineageNode]:
        return [LineageNode.from_item(i) for i in _filter(self._walk(), kinds)]

    @strawberry.field
    def edges(self) -> list[LineageEdge]:
        return [LineageEdge.from_edge(e) for e in self._walk().edges]

    @strawberry.field(description="A depth or node cap was hit.")
    def truncated(self) -> bool:
        return self._walk().truncated

    @strawberry.field(description="Counts per kind, without payload (one count query).")
    async def counts(self, info: Info) -> list[KindCount]:
        found = self._counts
        if found is None and self._graph is not None:
            # The walk already holds every dependent node unless the node cap cut it.
            found = store.counts_of(self._graph)
        if found is None:
            found = await store.count(
                info.context.db, self._root_id, self._request, actor=info.context.actor
            )
        return [KindCount(kind=EntityKind(k), count=n) for k, n in sorted(found.counts.items())]


@strawberry.type(description="Members only in B (added), only in A (removed), and in both.")
class SetDiff:
    added: list[str]
    removed: list[str]
    common: list[str]


@strawberry.type(description="A key whose value differs between version A and version B.")
class ValueChange:
    key: str
    change: ChangeKind
    a: JSON | None
    b: JSON | None


@strawberry.type(
    description="A hyperparameter whose typed value differs between version A and version B "
    "(a change of type, BOOL true to INT 1, is a change)."
)
class TypedValueChange:
    key: str
    change: ChangeKind
    a: TypedValue | None = strawberry.field(description="The value in A; null when absent.")
    b: TypedValue | None = strawberry.field(description="The value in B; null when absent.")


def _typed(key: str, value: store.Typed | None) -> TypedValue | None:
    return None if value is None else typed_value(key, *value)


def _typed_changes(items: list[store.ValueChange]) -> list[TypedValueChange]:
    return [
        TypedValueChange(
            key=c.key, change=ChangeKind(c.change), a=_typed(c.key, c.a), b=_typed(c.key, c.b)
        )
        for c in items
    ]


def _set_diff(d: store.SetDiff) -> SetDiff:
    return SetDiff(added=d.added, removed=d.removed, common=d.common)


def _changes(items: list[store.ValueChange]) -> list[ValueChange]:
    return [ValueChange(key=c.key, change=ChangeKind(c.change), a=c.a, b=c.b) for c in items]


@strawberry.type(description="What differs between the lineage of two model versions.")
class LineageDiff:
    version_a: LineageNode
    version_b: LineageNode
    datasets: SetDiff
    dataset_versions: SetDiff
    executions: SetDiff
    libraries: SetDiff
    hyperparameters: list[TypedValueChange]
    environment: list[ValueChange]
    metrics: list[ValueChange]


@strawberry.type(description="A version flagged by a governance question.")
class GapItem:
    version: t.ModelVersion
    model_name: str | None
    deployments: list[str] = strawberry.field(description="Names of deployments it serves.")


@strawberry.type(description="Governance gaps in recorded lineage and approvals.")
class LineageGaps:
    deployed_without_training_data: list[GapItem] = strawberry.field(
        description="Versions serving now whose producing runs consumed no dataset version."
    )
    production_without_approval: list[GapItem] = strawberry.field(
        description="Versions in stage PRODUCTION without an Approval for it."
    )
    truncated: bool


def _gap(item: store.GapItem) -> GapItem:
    return GapItem(
        version=t.ModelVersion.from_node(item.version),
        model_name=item.model_name,
        deployments=[d["name"] for d in item.deployments],
    )


def _kinds(kinds: list[EntityKind] | None) -> tuple[Label, ...]:
    return tuple(Label(k.value) for k in kinds or ())


RefArg = Annotated[
    str,
    strawberry.argument(
        description="An id, a unique name, model:version, dataset:version, "
        f"environment/deployment or model@alias, matched exactly; at most {store.MAX_REF_LENGTH}"
        " characters, no leading or trailing whitespace."
    ),
]
DepthArg = Annotated[
    int, strawberry.argument(description=f"How many hops to walk: 1-{store.MAX_DEPTH}.")
]
FirstArg = Annotated[
    int,
    strawberry.argument(
        description=f"Most nodes returned: 1-{store.MAX_NODES}; a cut sets `truncated`."
    ),
]


@strawberry.type
class LineageQuery:
    """Lineage questions; refs follow the grammar of store/lineage.py (id, name, model:version,
    environment/deployment, model@alias)."""

    @strawberry.field(
        description="Everything a deployment or version came from: the served version, runs "
        "with hyperparameters, metrics and environment, dataset versions, raw data."
    )
    async def trace(
        self,
        info: Info,
        ref: RefArg,
        as_of: Timestamp | None = None,
        max_depth: DepthArg = store.MAX_DEPTH,
        first: FirstArg = store.DEFAULT_NODES,
    ) -> LineageGraph:
        wants = _wants(info)
        request = store.WalkRequest(
            Direction.UPSTREAM,
            max_depth=max_depth,
            limit=first,
            as_of=as_of,
            full=wants.full,
            paths=wants.paths,
        )
        return LineageGraph.of(
            await store.walk(info.context.db, ref, request, actor=info.context.actor)
        )

    @strawberry.field(
        description="Everything that depends on a dataset or dataset version: runs, derived "
        "datasets, model versions, deployments. liveOnly: LIVE nodes, currently serving."
    )
    async def impact(
        self,
        info: Info,
        ref: RefArg,
        as_of: Timestamp | None = None,
        live_only: bool = False,
        max_depth: DepthArg = store.MAX_DEPTH,
        first: FirstArg = store.DEFAULT_NODES,
    ) -> Impact:
        wants = _wants(info)
        request = store.WalkRequest(
            Direction.DOWNSTREAM,
            max_depth=max_depth,
            limit=first,
            as_of=as_of,
            live_only=live_only,
            full=wants.full,
            paths=wants.paths,
        )
        # One read transaction here (resolve + walk, or resolve + counts): an unknown ref is
        # one NOT_FOUND, and counts come off the walk when both are asked for.
        if wants.fields <= {"counts", "__typename"}:
            counts = await store.count(info.context.db, ref, request, actor=info.context.actor)
            return Impact(_root_id=counts.root_id, _graph=None, _counts=counts, _request=request)
        graph = await store.walk(info.context.db, ref, request, actor=info.context.actor)
        return Impact(_root_id=graph.root.id, _graph=graph, _counts=None, _request=request)

    @strawberry.field(description="The lineage subgraph around a ref, for drawing.")
    async def lineage(
        self,
        info: Info,
        ref: RefArg,
        direction: LineageDirection = Direction.UPSTREAM,  # type: ignore[valid-type]
        max_depth: DepthArg = 10,
        node_types: list[EntityKind] | None = None,
        stop_at: Annotated[
            list[EntityKind] | None,
            strawberry.argument(description="Kinds that are returned but not walked through."),
        ] = None,
        stop_at_ids: list[strawberry.ID] | None = None,
        as_of: Timestamp | None = None,
        first: FirstArg = store.DEFAULT_NODES,
    ) -> LineageGraph:
        wants = _wants(info)
        request = store.WalkRequest(
            Direction(direction),
            max_depth=max_depth,
            limit=first,
            as_of=as_of,
            node_types=_kinds(node_types),
            stop_kinds=_kinds(stop_at),
            stop_ids=tuple(str(i) for i in stop_at_ids or ()),
            full=wants.full,
            paths=wants.paths,
        )
        return LineageGraph.of(
            await store.walk(info.context.db, ref, request, actor=info.context.actor)
        )

    @strawberry.field(description="What differs between two model versions' lineage.")
    async def diff(self, info: Info, version_a: RefArg, version_b: RefArg) -> LineageDiff:
        d = await store.diff(info.context.db, version_a, version_b, actor=info.context.actor)
        return LineageDiff(
            version_a=LineageNode.from_item(d.a),
            version_b=LineageNode.from_item(d.b),
            datasets=_set_diff(d.datasets),
            dataset_versions=_set_diff(d.dataset_versions),
            executions=_set_diff(d.executions),
            libraries=_set_diff(d.libraries),
            hyperparameters=_typed_changes(d.hyperparameters),
            environment=_changes(d.environment),
            metrics=_changes(d.metrics),
        )

    @strawberry.field(description="Governance gaps: untrained deployed versions, unapproved ones.")
    async def lineage_gaps(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"Most versions per question: 1-{store.MAX_NODES}; a cut sets "
                "`truncated`."
            ),
        ] = 100,
    ) -> LineageGaps:
        gaps = await store.gaps(info.context.db, limit=first)
        return LineageGaps(
            deployed_without_training_data=[_gap(i) for i in gaps.deployed_without_training_data],
            production_without_approval=[_gap(i) for i in gaps.production_without_approval],
            truncated=gaps.truncated,
        )


@strawberry.input(description="An input of a run: an entity id and the role it played.")
class ExecutionInputRef:
    id: strawberry.ID
    role: str = "input"


@strawberry.input(description="A dataset version a run produced, created under a dataset.")
class NewDatasetVersionInput:
    dataset: str = strawberry.field(description="Name of the existing dataset.")
    version: str
    uri: str | None = None
    format: str | None = None
    rows: Long | None = None
    bytes: Long | None = None
    digest: str | None = None
    feature_names: list[str] | None = None
    features: list[FeatureInput] | None = None
    description: str | None = None


@strawberry.input(description="An output of a run: an existing entity by id, or a new version.")
class ExecutionOutputRef:
    id: strawberry.ID | None = None
    new_dataset_version: NewDatasetVersionInput | None = None


@strawberry.input(description="A run with its inputs and outputs, recorded in one transaction.")
class LogExecutionInput:
    name: str
    external_id: str | None = strawberry.field(
        default=None, description="Makes the call idempotent: a retry returns the same run."
    )
    experiment_id: strawberry.ID | None = None
    description: str | None = None
    type: t.ExecutionTypeEnum = ExecutionType.OTHER  # type: ignore[valid-type]
    status: t.ExecutionStatusEnum = ExecutionStatus.COMPLETED  # type: ignore[valid-type]
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    tuning_method: t.TuningMethodEnum | None = None  # type: ignore[valid-type]
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    tags: list[str] | None = None
    hyperparameters: list[TypedValueInput] | None = None
    metrics: list[MetricInput] | None = strawberry.field(
        default=None,
        description="Latest values; entries with a step or timestamp also form the metric "
        "history (a key may repeat across steps; the highest step is the latest).",
    )
    environment: list[KeyValueInput] | None = None
    libraries: list[str] | None = None
    inputs: list[ExecutionInputRef] | None = None
    outputs: list[ExecutionOutputRef] | None = None


@strawberry.type(description="The recorded run and what it consumed and produced.")
class LogExecutionPayload:
    execution: t.Execution
    created: bool = strawberry.field(description="False when externalId matched an earlier run.")
    input_ids: list[strawberry.ID]
    output_ids: list[strawberry.ID]

    @strawberry.field(description="The produced entities (new dataset versions included).")
    async def outputs(self, info: Info) -> list[t.Entity]:
        nodes = await loaders.node(info).load_many([str(i) for i in self.output_ids])
        return [t.entity_from_node(n) for n in nodes if n]


def _unique(keys: list[str], field: str) -> None:
    if len(set(keys)) != len(keys):
        raise Invalid("duplicate key", field=field)


def to_log(inp: LogExecutionInput) -> lineage_log.ExecutionLog:
    """The store's ExecutionLog from the GraphQL input (typed values checked here)."""
    hyper: dict[str, tuple[ValueType, Any]] = {}
    for index, entry in enumerate(inp.hyperparameters or []):
        where = f"input.hyperparameters[{index}]"
        if entry.key in hyper:
            raise Invalid(f"duplicate key {entry.key!r}", field=where)
        hyper[entry.key] = (ValueType(entry.type), entry.raw(where))
    latest, history = lineage_log.metrics_from_points(
        [
            lineage_log.MetricPoint(key=m.key, value=m.value, step=m.step, timestamp=m.timestamp)
            for m in inp.metrics or []
        ]
    )
    env = inp.environment or []
    _unique([e.key for e in env], "input.environment")
    outputs: list[str] = []
    new: list[lineage_log.NewDatasetVersion] = []
    for index, out in enumerate(inp.outputs or []):
        if (out.id is None) == (out.new_dataset_version is None):
            raise Invalid(
                "set exactly one of id and newDatasetVersion", field=f"input.outputs[{index}]"
            )
        if out.id is not None:
            outputs.append(str(out.id))
        elif (nv := out.new_dataset_version) is not None:
            new.append(
                lineage_log.NewDatasetVersion(
                    dataset=nv.dataset,
                    version=nv.version,
                    uri=nv.uri,
                    format=nv.format,
                    rows=nv.rows,
                    bytes=nv.bytes,
                    digest=nv.digest,
                    feature_names=nv.feature_names or [],
                    features=[
                        {"name": f.name, "type": f.type, "importance": f.importance}
                        for f in nv.features
                    ]
                    if nv.features
                    else None,
                    description=nv.description,
                )
            )
    return lineage_log.ExecutionLog(
        name=inp.name,
        type=ExecutionType(inp.type),
        status=ExecutionStatus(inp.status),
        external_id=inp.external_id,
        experiment_id=str(inp.experiment_id) if inp.experiment_id else None,
        description=inp.description,
        start_time=inp.start_time,
        end_time=inp.end_time,
        tuning_method=TuningMethod(inp.tuning_method) if inp.tuning_method else None,
        vcs_commit=inp.vcs_commit,
        vcs_repo_url=inp.vcs_repo_url,
        tags=inp.tags or [],
        hyperparameters=hyper,
        metrics=latest,
        metric_points=history,
        environment={e.key: e.value for e in env},
        libraries=inp.libraries or [],
        inputs=[lineage_log.InputRef(str(r.id), r.role) for r in inp.inputs or []],
        outputs=outputs,
        new_dataset_versions=new,
    )


@strawberry.type
class LineageMutation:
    """Recording lineage."""

    @strawberry.mutation(
        description="Record a run with inputs (role), outputs, hyperparameters, metrics and "
        "environment in one transaction; idempotent under externalId."
    )
    async def log_execution(self, info: Info, input: LogExecutionInput) -> LogExecutionPayload:
        logged = await lineage_log.log_execution(
            info.context.db, to_log(input), actor=info.context.actor
        )
        return LogExecutionPayload(
            execution=t.Execution.from_node(logged.execution),
            created=logged.created,
            input_ids=[strawberry.ID(r.id) for r in logged.inputs],
            output_ids=[strawberry.ID(o) for o in logged.outputs],
        )
