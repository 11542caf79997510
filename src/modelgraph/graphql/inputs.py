"""Create / update inputs of every entity kind and their conversion into node properties.

A kind's Update input holds its writable catalogue fields (domain/catalog.py), all optional; its
Create input is the same with a required ``name``. Plain fields map to their node property; the
structured ones (typed maps, metrics, features, JSON blobs) are encoded by :func:`node_props`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar

import strawberry

from modelgraph.domain.catalog import ALL, COMMON, KINDS, NON_NEGATIVE, Prop, Shape, camel
from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    ENV_PREFIX,
    MAX_NAME_LENGTH,
    MAX_STRING_LENGTH,
    Label,
    check_key,
    check_name,
    check_scalar,
    encode_json,
)
from modelgraph.graphql.catalog import Injected, derive, described, optional, scalar_type
from modelgraph.graphql.scalars import JSON, Long, Timestamp
from modelgraph.graphql.values import TypedValueInput, to_properties
from modelgraph.store.entities import check_tags
from modelgraph.store.governance import MetricPoint

MAX_LIST_ITEMS = 1000
T = TypeVar("T")


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


_STRUCTURED_INPUTS: dict[Shape, Any] = {
    Shape.TYPED_MAP: list[TypedValueInput],
    Shape.METRICS: list[MetricInput],
    Shape.ENVIRONMENT: list[KeyValueInput],
    Shape.FEATURES: list[FeatureInput],
    Shape.JSON: JSON,
}


def _input_fields(props: Iterable[Prop]) -> list[Injected]:
    return [
        (
            p.name,
            optional(_STRUCTURED_INPUTS.get(p.shape) or scalar_type(p, True)),
            described(p.input_doc or p.doc, None),
        )
        for p in props
        if p.writable
    ]


# Each kind's Update and Create input, for the mutations (graphql/registry.py).
UPDATES: dict[Label, type[Any]] = {}
CREATES: dict[Label, type[Any]] = {}


def update_input(kind: Label | None) -> Callable[[type[T]], type[T]]:
    """The Update input of ``kind``, and its Create input with a required ``name``; None: the
    common fields every kind's input starts with."""
    fields = _input_fields(COMMON if kind is None else KINDS[kind])

    def apply(cls: type[T]) -> type[T]:
        derived = strawberry.input(derive(fields)(cls))
        if kind is not None:
            UPDATES[kind] = derived
            name = f"{kind.value}Create"
            create = type(name, (derived,), {"__module__": __name__, "__qualname__": name})
            CREATES[kind] = strawberry.input(derive([("name", str, strawberry.field())])(create))
        return derived

    return apply


@update_input(None)
class EntityUpdate:
    pass


# Named here because other inputs and mutations use them; every other kind's are made below.
@update_input(Label.REGISTERED_MODEL)
class RegisteredModelUpdate(EntityUpdate):
    pass


@update_input(Label.MODEL_VERSION)
class ModelVersionUpdate(EntityUpdate):
    pass


@update_input(Label.MODEL_ARTIFACT)
class ModelArtifactUpdate(EntityUpdate):
    pass


@update_input(Label.EXECUTION)
class ExecutionUpdate(EntityUpdate):
    pass


@update_input(Label.DEPLOYMENT)
class DeploymentUpdate(EntityUpdate):
    pass


for _kind in KINDS.keys() - UPDATES.keys():
    _name = f"{_kind.value}Update"
    update_input(_kind)(
        type(_name, (EntityUpdate,), {"__module__": __name__, "__qualname__": _name})
    )


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


_WRITABLE = {p.name: p for p in ALL if p.writable}


def _plain(name: str, value: Any, field: str) -> Any:
    if name in NON_NEGATIVE and value < 0:
        raise Invalid(f"{camel(name)} must not be negative", field=field)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and name == "name":
        return check_name(value, field)
    if isinstance(value, str):
        limit = MAX_NAME_LENGTH if name in ("name", "external_id") else MAX_STRING_LENGTH
        if len(value) > limit:
            raise Invalid(f"{camel(name)} longer than {limit} characters", field=field)
        if name in ("name", "external_id") and not value.strip():
            raise Invalid(f"{camel(name)} must not be empty", field=field)
        return value
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise Invalid(f"at most {MAX_LIST_ITEMS} items", field=field)
        return [_plain("item", v, field) for v in value]
    return check_scalar(value, field)


def _features(features: list[FeatureInput], field: str) -> dict[str, Any]:
    items = []
    for index, feat in enumerate(features):
        where = f"{field}[{index}]"
        _plain("name", feat.name, where)
        if feat.importance is not None:
            check_scalar(feat.importance, where)
        items.append({"name": feat.name, "type": feat.type, "importance": feat.importance})
    return {
        "featureNames": [f["name"] for f in items],
        "featuresJson": json.dumps(items, separators=(",", ":")),
    }


def node_props(inp: Any, field: str = "input") -> tuple[dict[str, Any], list[MetricPoint]]:
    """Validated node properties of a create/update input, and its metric points."""
    props: dict[str, Any] = {}
    points: list[MetricPoint] = []
    for f in dataclasses.fields(inp):
        value = getattr(inp, f.name)
        p = _WRITABLE.get(f.name)
        if value is None or value is strawberry.UNSET or p is None:
            continue  # not a catalogue field: the caller's own (a run's experimentId, datasets)
        where = f"{field}.{camel(f.name)}"
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            raise Invalid(f"at most {MAX_LIST_ITEMS} items", field=where)
        if p.shape is Shape.TYPED_MAP:
            assert p.family is not None  # the catalogue gives every typed map its family
            props.update(to_properties(p.family, value, where))
        elif p.shape is Shape.METRICS:
            points = metric_points(value, where)
        elif p.shape is Shape.ENVIRONMENT:
            for index, kv in enumerate(value):
                at = f"{where}[{index}]"
                props[ENV_PREFIX + check_key(kv.key, at)] = _plain("value", kv.value, at)
        elif p.shape is Shape.JSON:
            props[p.prop] = encode_json(value, where)
        elif p.shape is Shape.FEATURES:
            props.update(_features(value, where))
        elif p.name == "tags":
            props["tags"] = check_tags(value, where)
        else:
            props[p.prop] = _plain(f.name, value, where)
    _check_ranges(props, field)
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
