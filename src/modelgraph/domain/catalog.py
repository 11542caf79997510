"""Each entity kind's fields, declared once (docs/graph-model.md, "Kind-specific properties").

GraphQL derives every output type, create/update input and filter field enum from these tables
(graphql/catalog.py); the filters take their value checks from them. Adding a property to a kind
is one line here plus `make schema`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from modelgraph.domain.graph import Family, Label, State
from modelgraph.domain.registry import (
    ArtifactState,
    DeploymentStatus,
    ExecutionStatus,
    ExecutionType,
    Stage,
    TuningMethod,
)


class Shape(StrEnum):
    """How a field's value is stored on the node and typed in the APIs."""

    STRING = "STRING"
    ID = "ID"
    LONG = "LONG"
    INT = "INT"
    FLOAT = "FLOAT"
    BOOL = "BOOL"
    TIMESTAMP = "TIMESTAMP"
    STRINGS = "STRINGS"  # list<string>; filters mean "has this element"
    ENUM = "ENUM"
    # Structured: encoded into several or prefixed properties, typed by their own GraphQL types.
    TYPED_MAP = "TYPED_MAP"  # customProperties / metadata / hyperparameters (Family prefixes)
    METRICS = "METRICS"  # latest values m.<key>; an input appends to the history
    ENVIRONMENT = "ENVIRONMENT"  # env.<key> strings
    FEATURES = "FEATURES"  # featuresJson (+ featureNames)
    JSON = "JSON"  # JSON text under ``prop``


NUMERIC = frozenset({Shape.LONG, Shape.INT, Shape.FLOAT, Shape.TIMESTAMP})
STRUCTURED = frozenset(
    {Shape.TYPED_MAP, Shape.METRICS, Shape.ENVIRONMENT, Shape.FEATURES, Shape.JSON}
)


PARENT_ID = "parentId"  # the parent's id on every child kind (domain/graph.py PARENTS)


def snake(name: str) -> str:
    """``RegisteredModel`` -> ``registered_model``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    """``model_size_bytes`` -> ``modelSizeBytes`` (GraphQL field and node property names)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Prop:
    """One field of a kind: its name, shape, node property and which faces show it."""

    name: str  # snake_case; GraphQL camelCases it
    shape: Shape = Shape.STRING
    stored_as: str | None = None  # node property, when not camel(name)
    enum: type[Enum] | None = None
    family: Family | None = None
    doc: str | None = None
    input_doc: str | None = None  # the input's description, when it differs from ``doc``
    output: bool = True
    writable: bool = True  # in the create/update inputs (numbers there must not be negative)
    filterable: bool = True  # in the kind's filter field enum (scalar shapes only)
    required: bool = False  # non-null in the output type
    default: Any = None  # output value when the node has none

    @property
    def prop(self) -> str:
        """The node property behind the field."""
        return self.stored_as or camel(self.name)

    @property
    def in_filter(self) -> bool:
        return self.output and self.filterable and self.shape not in STRUCTURED


def _parent(name: str) -> Prop:
    return Prop(name, Shape.ID, stored_as=PARENT_ID, writable=False)


def _enum(name: str, enum: type[Enum], **kw: Any) -> Prop:
    return Prop(name, Shape.ENUM, enum=enum, **kw)


_METRICS = Prop(
    "metrics",
    Shape.METRICS,
    doc="Latest value of each metric.",
    input_doc="Appended to the history; the latest value is kept too.",
)
_VCS = (Prop("vcs_commit"), Prop("vcs_repo_url"))
_ARTIFACT_STATE = _enum("artifact_state", ArtifactState)

# Fields every kind has (``id`` is declared by the Entity interface itself).
COMMON: tuple[Prop, ...] = (
    Prop(
        "kind",
        doc="The kind label: RegisteredModel, ModelVersion, ...",
        required=True,
        writable=False,
        filterable=False,
    ),
    Prop("name", required=True),
    _enum("state", State, required=True, default=State.LIVE, writable=False),
    Prop("created_at", Shape.TIMESTAMP, required=True, writable=False),
    Prop("updated_at", Shape.TIMESTAMP, required=True, writable=False),
    Prop("description"),
    Prop("external_id"),
    Prop("tags", Shape.STRINGS, required=True, default=(), input_doc="Replaces all tags."),
    Prop("author", doc="Who created it.", writable=False),
    Prop("updated_by", doc="Who changed it last.", writable=False),
    Prop(
        "custom_properties",
        Shape.TYPED_MAP,
        family=Family.CUSTOM,
        doc="User-defined typed properties.",
        input_doc="Merged into the existing ones (same key: replaced).",
    ),
    Prop(
        "metadata",
        Shape.TYPED_MAP,
        family=Family.METADATA,
        doc="Open-ended typed metadata: explainability, fairness, compliance, notes, ...",
        input_doc="Merged into the existing metadata (same key: replaced).",
    ),
)

KINDS: dict[Label, tuple[Prop, ...]] = {
    Label.REGISTERED_MODEL: (
        Prop("owner"),
        Prop("framework"),
        Prop("model_type"),
        Prop("language", Shape.STRINGS),
        Prop("library_name"),
        Prop("license"),
        Prop("license_link"),
        Prop("logo", filterable=False),
        Prop("maturity"),
        Prop("provider"),
        Prop("readme", filterable=False),
        Prop("tasks", Shape.STRINGS),
    ),
    Label.MODEL_VERSION: (
        _parent("model_id"),
        Prop("framework"),
        Prop("framework_version"),
        Prop("model_type"),
        _enum("stage", Stage, required=True, default=Stage.DEVELOPMENT, writable=False),
        *_VCS,
        Prop("vcs_branch"),
        Prop("model_size_bytes", Shape.LONG),
        Prop("inference_latency_ms", Shape.FLOAT),
        Prop("training_time_ms", Shape.LONG),
        _METRICS,
    ),
    Label.MODEL_ARTIFACT: (
        _parent("version_id"),
        Prop("uri"),
        Prop("model_format_name"),
        Prop("model_format_version"),
        Prop("size_bytes", Shape.LONG),
        Prop("digest"),
        Prop("storage_key"),
        Prop("storage_path"),
        Prop("service_account_name"),
        _ARTIFACT_STATE,
    ),
    Label.DOC_ARTIFACT: (_parent("version_id"), Prop("uri"), _ARTIFACT_STATE),
    Label.DATASET: (Prop("owner"), Prop("source_uri"), Prop("format")),
    Label.DATASET_VERSION: (
        _parent("dataset_id"),
        Prop("uri"),
        Prop("format"),
        Prop("rows", Shape.LONG),
        Prop("bytes", Shape.LONG),
        Prop("digest"),
        Prop("feature_names", Shape.STRINGS, writable=False),
        Prop(
            "features",
            Shape.FEATURES,
            stored_as="featuresJson",
            doc="Features with type and importance.",
            input_doc="Replaces the feature list (names, types, importance).",
        ),
    ),
    Label.EXECUTION: (
        _parent("experiment_id"),
        _enum("type", ExecutionType),
        _enum("status", ExecutionStatus),
        Prop("start_time", Shape.TIMESTAMP),
        Prop("end_time", Shape.TIMESTAMP),
        _enum("tuning_method", TuningMethod),
        Prop("trials", Shape.JSON, stored_as="trialsJson", doc="Tuning trials (JSON)."),
        *_VCS,
        Prop(
            "hyperparameters",
            Shape.TYPED_MAP,
            family=Family.HYPERPARAMETERS,
            input_doc="Merged into the existing hyperparameters.",
        ),
        Prop(
            "environment",
            Shape.ENVIRONMENT,
            doc="hardware, cloud, os, pythonVersion, framework, ...",
            input_doc="hardware, cloud, os, pythonVersion, framework, ... (merged)",
        ),
        Prop(
            "libraries",
            Shape.STRINGS,
            doc="Libraries as `name==version`.",
            input_doc="`name==version` strings.",
        ),
        _METRICS,
    ),
    Label.EXPERIMENT: (Prop("owner"),),
    Label.SERVING_ENVIRONMENT: (Prop("platform"), Prop("region"), Prop("url")),
    Label.DEPLOYMENT: (
        _parent("serving_environment_id"),
        _enum("status", DeploymentStatus),
        Prop("endpoint"),
        Prop("runtime"),
        Prop("min_replicas", Shape.INT),
        Prop("max_replicas", Shape.INT),
        Prop("autoscaling", Shape.BOOL),
        Prop(
            "scaling",
            Shape.JSON,
            stored_as="scalingJson",
            doc="Scaling configuration (JSON).",
            input_doc="Scaling config (JSON).",
        ),
        Prop("monitoring_links", Shape.STRINGS),
        Prop("inference_latency_ms", Shape.FLOAT),
    ),
}

ALL = COMMON + tuple(p for props in KINDS.values() for p in props)
# Value checks of filters, by node property (the same property means the same thing everywhere).
LIST_PROPS = frozenset(p.prop for p in ALL if p.shape is Shape.STRINGS)
NUMBER_PROPS = frozenset(p.prop for p in ALL if p.shape in NUMERIC)
BOOL_PROPS = frozenset(p.prop for p in ALL if p.shape is Shape.BOOL)
ENUM_PROPS: dict[str, frozenset[str]] = {
    prop: frozenset(v.value for p in ALL if p.prop == prop and p.enum for v in p.enum)
    for prop in {p.prop for p in ALL if p.enum is not None}
}
# Numbers a client writes are sizes, counts, durations or times: negative is a mistake.
NON_NEGATIVE = frozenset(p.name for p in ALL if p.shape in NUMERIC and p.writable)
