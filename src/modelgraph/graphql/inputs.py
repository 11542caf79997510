"""Create / update inputs of every entity kind and their conversion into node properties.

A kind's Update input lists its fields, all optional; its Create input is the same with a
required ``name``. Plain fields map to properties of the same camelCase name; the structured
ones (typed maps, metrics, features, JSON blobs) are encoded by :func:`node_props`.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

import strawberry

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    ENV_PREFIX,
    MAX_NAME_LENGTH,
    MAX_STRING_LENGTH,
    Family,
    check_key,
    check_name,
    check_scalar,
    encode_json,
)
from modelgraph.graphql.scalars import JSON, Long, Timestamp
from modelgraph.graphql.types import (
    ArtifactStateEnum,
    DeploymentStatusEnum,
    ExecutionStatusEnum,
    ExecutionTypeEnum,
    TuningMethodEnum,
)
from modelgraph.graphql.values import TypedValueInput, to_properties
from modelgraph.store.entities import check_tags
from modelgraph.store.governance import MetricPoint

MAX_LIST_ITEMS = 1000

# Sizes, counts and durations: a negative value is a client mistake, not data.
_NON_NEGATIVE = frozenset(
    {
        "size_bytes",
        "model_size_bytes",
        "rows",
        "bytes",
        "min_replicas",
        "max_replicas",
        "training_time_ms",
        "inference_latency_ms",
        "start_time",
        "end_time",
    }
)


@strawberry.input(description="A metric value, optionally at a step and a time (epoch ms).")
class MetricInput:
    key: str
    value: float
    step: Long | None = None
    timestamp: Timestamp | None = None


@strawberry.input
class KeyValueInput:
    key: str
    value: str


@strawberry.input(description="A feature of a dataset version.")
class FeatureInput:
    name: str = strawberry.field()
    type: str | None = None
    importance: float | None = None


@strawberry.input
class EntityUpdate:
    name: str | None = None
    description: str | None = None
    external_id: str | None = None
    tags: list[str] | None = strawberry.field(default=None, description="Replaces all tags.")
    custom_properties: list[TypedValueInput] | None = strawberry.field(
        default=None, description="Merged into the existing ones (same key: replaced)."
    )
    metadata: list[TypedValueInput] | None = strawberry.field(
        default=None, description="Merged into the existing metadata (same key: replaced)."
    )


@strawberry.input
class RegisteredModelUpdate(EntityUpdate):
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


@strawberry.input
class RegisteredModelCreate(RegisteredModelUpdate):
    name: str = strawberry.field()


@strawberry.input
class ModelVersionUpdate(EntityUpdate):
    framework: str | None = None
    framework_version: str | None = None
    model_type: str | None = None
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    vcs_branch: str | None = None
    model_size_bytes: Long | None = None
    inference_latency_ms: float | None = None
    training_time_ms: Long | None = None
    metrics: list[MetricInput] | None = strawberry.field(
        default=None, description="Appended to the history; the latest value is kept too."
    )


@strawberry.input
class ModelVersionCreate(ModelVersionUpdate):
    name: str = strawberry.field()


@strawberry.input
class ModelArtifactUpdate(EntityUpdate):
    uri: str | None = None
    model_format_name: str | None = None
    model_format_version: str | None = None
    size_bytes: Long | None = None
    digest: str | None = None
    storage_key: str | None = None
    storage_path: str | None = None
    service_account_name: str | None = None
    artifact_state: ArtifactStateEnum | None = None  # type: ignore[valid-type]


@strawberry.input
class ModelArtifactCreate(ModelArtifactUpdate):
    name: str = strawberry.field()


@strawberry.input
class DocArtifactUpdate(EntityUpdate):
    uri: str | None = None
    artifact_state: ArtifactStateEnum | None = None  # type: ignore[valid-type]


@strawberry.input
class DocArtifactCreate(DocArtifactUpdate):
    name: str = strawberry.field()


@strawberry.input
class DatasetUpdate(EntityUpdate):
    owner: str | None = None
    source_uri: str | None = None
    format: str | None = None


@strawberry.input
class DatasetCreate(DatasetUpdate):
    name: str = strawberry.field()


@strawberry.input
class DatasetVersionUpdate(EntityUpdate):
    uri: str | None = None
    format: str | None = None
    rows: Long | None = None
    bytes: Long | None = None
    digest: str | None = None
    features: list[FeatureInput] | None = strawberry.field(
        default=None, description="Replaces the feature list (names, types, importance)."
    )


@strawberry.input
class DatasetVersionCreate(DatasetVersionUpdate):
    name: str = strawberry.field()


@strawberry.input
class ExecutionUpdate(EntityUpdate):
    type: ExecutionTypeEnum | None = None  # type: ignore[valid-type]
    status: ExecutionStatusEnum | None = None  # type: ignore[valid-type]
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    tuning_method: TuningMethodEnum | None = None  # type: ignore[valid-type]
    trials: JSON | None = strawberry.field(default=None, description="Tuning trials (JSON).")
    vcs_commit: str | None = None
    vcs_repo_url: str | None = None
    hyperparameters: list[TypedValueInput] | None = strawberry.field(
        default=None, description="Merged into the existing hyperparameters."
    )
    environment: list[KeyValueInput] | None = strawberry.field(
        default=None, description="hardware, cloud, os, pythonVersion, framework, ... (merged)"
    )
    libraries: list[str] | None = strawberry.field(
        default=None, description="`name==version` strings."
    )
    metrics: list[MetricInput] | None = strawberry.field(
        default=None, description="Appended to the history; the latest value is kept too."
    )


@strawberry.input
class ExecutionCreate(ExecutionUpdate):
    name: str = strawberry.field()


@strawberry.input
class ExperimentUpdate(EntityUpdate):
    owner: str | None = None


@strawberry.input
class ExperimentCreate(ExperimentUpdate):
    name: str = strawberry.field()


@strawberry.input
class ServingEnvironmentUpdate(EntityUpdate):
    platform: str | None = None
    region: str | None = None
    url: str | None = None


@strawberry.input
class ServingEnvironmentCreate(ServingEnvironmentUpdate):
    name: str = strawberry.field()


@strawberry.input
class DeploymentUpdate(EntityUpdate):
    status: DeploymentStatusEnum | None = None  # type: ignore[valid-type]
    endpoint: str | None = None
    runtime: str | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    autoscaling: bool | None = None
    scaling: JSON | None = strawberry.field(default=None, description="Scaling config (JSON).")
    monitoring_links: list[str] | None = None
    inference_latency_ms: float | None = None


@strawberry.input
class DeploymentCreate(DeploymentUpdate):
    name: str = strawberry.field()


@strawberry.input(
    description="A dataset version consumed by a run: by id, or by dataset name + version."
)
class DatasetRefInput:
    id: strawberry.ID | None = None
    dataset_name: str | None = None
    version: str | None = None
    role: str = "train"


@strawberry.input(description="The training run of a registration (an Execution of type TRAINING).")
class TrainingRunInput(ExecutionUpdate):
    experiment_id: strawberry.ID | None = None
    datasets: list[DatasetRefInput] | None = strawberry.field(
        default=None, description="Consumed dataset versions (role defaults to train)."
    )


@strawberry.input(description="Everything `registerModel` writes, in one transaction.")
class RegisterModelInput:
    model_name: str
    version_name: str
    model: RegisteredModelUpdate | None = strawberry.field(
        default=None, description="Model fields, used when the model is created."
    )
    version: ModelVersionUpdate | None = None
    artifact: ModelArtifactUpdate | None = strawberry.field(
        default=None, description="The model artifact (its name defaults to the version name)."
    )
    training: TrainingRunInput | None = None


_SPECIAL = frozenset(
    {
        "tags",
        "custom_properties",
        "metadata",
        "hyperparameters",
        "environment",
        "metrics",
        "features",
        "trials",
        "scaling",
        "experiment_id",
        "datasets",
    }
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(name: str, value: Any, field: str) -> Any:
    if name in _NON_NEGATIVE and value < 0:
        raise Invalid(f"{_camel(name)} must not be negative", field=field)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and name == "name":
        return check_name(value, field)
    if isinstance(value, str):
        limit = MAX_NAME_LENGTH if name in ("name", "external_id") else MAX_STRING_LENGTH
        if len(value) > limit:
            raise Invalid(f"{_camel(name)} longer than {limit} characters", field=field)
        if name in ("name", "external_id") and not value.strip():
            raise Invalid(f"{_camel(name)} must not be empty", field=field)
        return value
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise Invalid(f"at most {MAX_LIST_ITEMS} items", field=field)
        return [_plain("item", v, field) for v in value]
    return check_scalar(value, field)


def node_props(inp: Any, field: str = "input") -> tuple[dict[str, Any], list[MetricPoint]]:
    """Validated node properties of a create/update input, and its metric points."""
    props: dict[str, Any] = {}
    for f in dataclasses.fields(inp):
        value = getattr(inp, f.name)
        if value is None or value is strawberry.UNSET or f.name in _SPECIAL:
            continue
        props[_camel(f.name)] = _plain(f.name, value, f"{field}.{_camel(f.name)}")
    get = getattr
    for attr in sorted(_SPECIAL):
        items = get(inp, attr, None)
        if isinstance(items, list) and len(items) > MAX_LIST_ITEMS:
            raise Invalid(f"at most {MAX_LIST_ITEMS} items", field=f"{field}.{_camel(attr)}")
    if get(inp, "tags", None) is not None:
        props["tags"] = check_tags(inp.tags, f"{field}.tags")
    for attr, family in (
        ("custom_properties", Family.CUSTOM),
        ("metadata", Family.METADATA),
        ("hyperparameters", Family.HYPERPARAMETERS),
    ):
        entries = get(inp, attr, None)
        if entries is not None:
            props.update(to_properties(family, entries, f"{field}.{_camel(attr)}"))
    environment = get(inp, "environment", None)
    for index, kv in enumerate(environment or []):
        where = f"{field}.environment[{index}]"
        props[ENV_PREFIX + check_key(kv.key, where)] = _plain("value", kv.value, where)
    for attr, prop in (("trials", "trialsJson"), ("scaling", "scalingJson")):
        blob = get(inp, attr, None)
        if blob is not None:
            props[prop] = encode_json(blob, f"{field}.{attr}")
    features = get(inp, "features", None)
    if features is not None:
        items = []
        for index, feat in enumerate(features):
            where = f"{field}.features[{index}]"
            _plain("name", feat.name, where)
            if feat.importance is not None:
                check_scalar(feat.importance, where)
            items.append({"name": feat.name, "type": feat.type, "importance": feat.importance})
        props["featureNames"] = [f["name"] for f in items]
        props["featuresJson"] = json.dumps(items, separators=(",", ":"))
    _check_ranges(props, field)
    points = metric_points(get(inp, "metrics", None), f"{field}.metrics")
    return props, points


def _check_ranges(props: dict[str, Any], field: str) -> None:
    """Bounds given together must be ordered (a partial update is checked against itself only)."""
    for low, high in (("minReplicas", "maxReplicas"), ("startTime", "endTime")):
        if low in props and high in props and props[low] > props[high]:
            raise Invalid(f"{low} must not exceed {high}", field=f"{field}.{high}")


def metric_points(metrics: list[MetricInput] | None, field: str) -> list[MetricPoint]:
    """Checked metric points of a list of metric inputs."""
    if metrics is not None and len(metrics) > MAX_LIST_ITEMS:
        raise Invalid(f"at most {MAX_LIST_ITEMS} items", field=field)
    points = []
    for index, m in enumerate(metrics or []):
        where = f"{field}[{index}]"
        check_key(m.key, where)
        check_scalar(m.value, where)
        points.append(MetricPoint(key=m.key, value=m.value, step=m.step, timestamp=m.timestamp))
    return points
