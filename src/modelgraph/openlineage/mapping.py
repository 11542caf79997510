"""An OpenLineage RunEvent turned into what the graph records (docs/graph-model.md, "OpenLineage").

Pure: no I/O. :func:`plan_event` reads a validated :class:`RunEvent` and the settings' mapping
rules and returns a :class:`RunPlan` that store/openlineage.py writes through the writers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pydantic import BaseModel, StrictStr, ValidationError

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import MAX_NAME_LENGTH
from modelgraph.domain.registry import ExecutionStatus, ExecutionType
from modelgraph.openlineage.events import Dataset, RunEvent, SchemaField

# The custom run facet naming the model version a run produced.
MODEL_FACET = "modelgraph_model"
# Version name of an input dataset that no event ever versioned.
UNVERSIONED = "unversioned"

_STATUS: dict[str, ExecutionStatus] = {
    "START": ExecutionStatus.RUNNING,
    "RUNNING": ExecutionStatus.RUNNING,
    "COMPLETE": ExecutionStatus.COMPLETED,
    "FAIL": ExecutionStatus.FAILED,
    "ABORT": ExecutionStatus.CANCELLED,
}
# On equal eventTime a terminal event wins over START / RUNNING (clients stamp them the same ms).
_RANK = {"START": 0, "RUNNING": 1, "OTHER": 1, "COMPLETE": 2, "FAIL": 2, "ABORT": 2}
TERMINAL = frozenset({"COMPLETE", "FAIL", "ABORT"})


class ModelFacet(BaseModel):
    """``run.facets.modelgraph_model``: the registered model and version this run produced."""

    name: StrictStr
    version: StrictStr


@dataclass(frozen=True)
class ModelRef:
    """A model version an event names as the run's output."""

    name: str
    version: str


@dataclass
class DatasetPlan:
    """One input or output dataset and what its facets say about the version it is."""

    namespace: str
    name: str
    version: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    source_uri: str | None = None
    facets: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)


@dataclass(frozen=True)
class ColumnEdge:
    """Output field ``field`` of ``output`` is computed from ``source_field`` of ``source``."""

    output: tuple[str, str]
    field: str
    source: tuple[str, str]
    source_field: str
    transformations: str  # JSON text: [{type, subtype, description, masking}]


@dataclass(frozen=True)
class ParentRef:
    """The run (and job) that spawned this one."""

    run_id: str
    job_namespace: str
    job_name: str


@dataclass
class RunPlan:
    """Everything one event asks the graph to record."""

    run_id: str
    job_namespace: str
    job_name: str
    event_type: str
    event_time: int  # epoch ms
    key: str  # eventType + eventTime: the idempotency key within the run
    status: ExecutionStatus | None
    type: ExecutionType | None  # None: keep the run's type (PREPROCESSING for a new one)
    inputs: list[DatasetPlan]
    outputs: list[DatasetPlan]
    models: list[ModelRef]
    columns: list[ColumnEdge]
    parent: ParentRef | None
    facets: dict[str, Any]  # unknown run and job facets: {"run": {...}, "job": {...}}

    @property
    def rank(self) -> tuple[int, int]:
        """Order of events within a run: later eventTime wins; on a tie, terminal events."""
        return (self.event_time, _RANK[self.event_type])

    def execution_name(self) -> str:
        """The display name: the job's name, cut to the name limit (identity is the runId)."""
        return self.job_name.strip()[:MAX_NAME_LENGTH] or self.run_id


@dataclass(frozen=True)
class MappingRules:
    """Configurable parts of the mapping (settings ``MODELGRAPH_OPENLINEAGE_*``)."""

    job_types: dict[str, ExecutionType] = field(default_factory=dict)
    model_namespace: re.Pattern[str] | None = None


def _extras(model: BaseModel | None) -> dict[str, Any]:
    """Facets the models do not name, as plain JSON (kept, so nothing is lost)."""
    if model is None or not model.model_extra:
        return {}
    return {
        k: v.model_dump(mode="json", by_alias=True) if isinstance(v, BaseModel) else v
        for k, v in model.model_extra.items()
    }


def _fields(fields: list[SchemaField] | None, prefix: str = "") -> list[dict[str, Any]]:
    """Schema fields flattened (nested struct fields as ``parent.child``)."""
    out: list[dict[str, Any]] = []
    for f in fields or []:
        name = prefix + f.name
        out.append({"name": name, "type": f.type})
        out.extend(_fields(f.fields, name + "."))
    return out


def _dataset(ds: Dataset, extra: dict[str, Any] | None) -> DatasetPlan:
    facets = ds.facets
    plan = DatasetPlan(ds.namespace, ds.name)
    if facets is not None:
        if facets.version is not None:
            plan.version = facets.version.dataset_version
        if facets.schema_ is not None:
            plan.fields = _fields(facets.schema_.fields)
        if facets.data_source is not None:
            plan.source_uri = facets.data_source.uri
        plan.facets = _extras(facets)
    if extra:
        plan.facets.update(extra)
    return plan


def _job_type(event: RunEvent, rules: MappingRules) -> ExecutionType | None:
    facets = event.job.facets
    job_type = facets.job_type if facets is not None else None
    if job_type is None or job_type.job_type is None:
        return None
    named = job_type.job_type.upper()
    if named in rules.job_types:
        return rules.job_types[named]
    return ExecutionType(named) if named in ExecutionType.__members__ else None


def _model_facet(event: RunEvent) -> ModelRef | None:
    raw = _extras(event.run.facets).get(MODEL_FACET)
    if raw is None:
        return None
    try:
        facet = ModelFacet.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = ".".join(["run", "facets", MODEL_FACET, *(str(p) for p in first["loc"])])
        raise Invalid(f"{path}: {first['msg']}", field=path) from None
    return ModelRef(facet.name, facet.version)


def _columns(out: DatasetPlan, ds: Dataset) -> list[ColumnEdge]:
    facet = ds.facets.column_lineage if ds.facets is not None else None
    if facet is None:
        return []
    edges = []
    for name, lineage in sorted(facet.fields.items()):
        for src in lineage.input_fields:
            steps = [
                t.model_dump(mode="json", exclude_none=True) for t in src.transformations or []
            ]
            if not steps and lineage.transformation_type:
                # The deprecated field-level form (spec 1-0-x) still says what happened.
                steps = [{"type": lineage.transformation_type}]
                if lineage.transformation_description:
                    steps[0]["description"] = lineage.transformation_description
            edges.append(
                ColumnEdge(
                    output=out.key,
                    field=name,
                    source=(src.namespace, src.name),
                    source_field=src.field,
                    transformations=json.dumps(steps, separators=(",", ":"), sort_keys=True),
                )
            )
    return edges


def plan_event(event: RunEvent, rules: MappingRules) -> RunPlan:
    """What ``event`` records; Invalid names the field when a mapped custom facet is malformed."""
    run_id = str(event.run.run_id)
    event_type = event.event_type or "OTHER"
    at = event.event_time.astimezone(UTC)
    inputs: dict[tuple[str, str], DatasetPlan] = {}
    for ids in event.inputs or []:
        plan = _dataset(
            ids,
            {
                f"input.{k}": v.model_dump(mode="json", by_alias=True)
                for k, v in (ids.input_facets or {}).items()
            },
        )
        inputs.setdefault(plan.key, plan)
    outputs: dict[tuple[str, str], DatasetPlan] = {}
    models: list[ModelRef] = []
    columns: list[ColumnEdge] = []
    for ods in event.outputs or []:
        extra = {
            f"output.{k}": v.model_dump(mode="json", by_alias=True)
            for k, v in (ods.output_facets or {}).items()
        }
        plan = _dataset(ods, extra)
        if rules.model_namespace is not None and rules.model_namespace.fullmatch(ods.namespace):
            models.append(ModelRef(ods.name, plan.version or f"run-{run_id}"))
            continue
        outputs.setdefault(plan.key, plan)
        columns.extend(_columns(plan, ods))
    for edge in columns:
        # A column read from a dataset means the run read that dataset.
        if edge.source not in inputs and edge.source not in outputs:
            inputs[edge.source] = DatasetPlan(*edge.source)
    if (model := _model_facet(event)) is not None and model not in models:
        models.append(model)
    parent_facet = event.run.facets.parent if event.run.facets is not None else None
    parent = (
        ParentRef(str(parent_facet.run.run_id), parent_facet.job.namespace, parent_facet.job.name)
        if parent_facet is not None
        else None
    )
    run_facets = {k: v for k, v in _extras(event.run.facets).items() if k != MODEL_FACET}
    explicit = _job_type(event, rules)
    return RunPlan(
        run_id=run_id,
        job_namespace=event.job.namespace,
        job_name=event.job.name,
        event_type=event_type,
        event_time=int(at.timestamp() * 1000),
        key=f"{event_type}@{at.isoformat()}",
        status=_STATUS.get(event_type),
        type=explicit or (ExecutionType.TRAINING if models else None),
        inputs=list(inputs.values()),
        outputs=list(outputs.values()),
        models=models,
        columns=columns,
        parent=parent,
        facets={"run": run_facets, "job": _extras(event.job.facets)},
    )


def rules_from(job_types: dict[str, str], model_namespace: str) -> MappingRules:
    """Mapping rules from the settings' raw values (checked once, at start-up)."""
    return MappingRules(
        job_types={k.upper(): ExecutionType(v) for k, v in job_types.items()},
        model_namespace=re.compile(model_namespace) if model_namespace else None,
    )
