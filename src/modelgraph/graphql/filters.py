"""List filters: per-kind field enums and AND / OR / NOT inputs, turned into store.listing trees.

Property names come from the enums (or from validated typed-map keys), never from free text.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Protocol

import strawberry

from modelgraph.domain import registry
from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    ENV_PREFIX,
    METRIC_PREFIX,
    Family,
    State,
    check_key,
    check_scalar,
)
from modelgraph.graphql.scalars import JSON
from modelgraph.store.listing import And, Filter, Not, Op, Or, Predicate, like_to_regex

# Properties that hold lists: CONTAINS / EQ mean "has this element".
LIST_PROPS = frozenset(
    {"tags", "language", "tasks", "featureNames", "libraries", "monitoringLinks"}
)
MAX_IN_VALUES = 1000

# First-class fields with a known value type: a value of another type would match nothing
# silently, so it is refused instead (typed-map keys are user-defined and not checked).
NUMBER_PROPS = frozenset(
    {
        "createdAt",
        "updatedAt",
        "rows",
        "bytes",
        "sizeBytes",
        "modelSizeBytes",
        "trainingTimeMs",
        "inferenceLatencyMs",
        "minReplicas",
        "maxReplicas",
        "startTime",
        "endTime",
    }
)
BOOL_PROPS = frozenset({"autoscaling"})
ENUM_PROPS: dict[str, frozenset[str]] = {
    "state": frozenset(State),
    "stage": frozenset(registry.Stage),
    "type": frozenset(registry.ExecutionType),
    "status": frozenset(registry.ExecutionStatus) | frozenset(registry.DeploymentStatus),
    "tuningMethod": frozenset(registry.TuningMethod),
    "artifactState": frozenset(registry.ArtifactState),
}


@strawberry.enum(description="Comparison operators of list filters.")
class FilterOp(Enum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    IEQ = strawberry.enum_value("IEQ", description="Equal, ignoring case.")
    LIKE = strawberry.enum_value("LIKE", description="SQL LIKE pattern: % any run, _ one char.")
    ILIKE = strawberry.enum_value("ILIKE", description="LIKE, ignoring case.")
    EXISTS = strawberry.enum_value("EXISTS", description="The property is set (no value).")


@strawberry.input(description="A condition on one key of a typed map, metrics or environment.")
class KeyCondition:
    key: str
    op: FilterOp
    value: JSON | None = None


@strawberry.input(description="Conditions every list filter has; set ones are ANDed.")
class FilterConditions:
    """The kind-independent part of a filter; each kind adds and / or / not and its fields."""

    op: FilterOp | None = None
    value: JSON | None = None
    tag: str | None = strawberry.field(default=None, description="Has this tag.")
    custom_property: KeyCondition | None = None
    metadata: KeyCondition | None = None
    metric: KeyCondition | None = strawberry.field(default=None, description="Latest metric value.")
    hyperparameter: KeyCondition | None = None
    environment: KeyCondition | None = None


@strawberry.enum(description="Filterable fields of RegisteredModel.")
class RegisteredModelField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    OWNER = "owner"
    FRAMEWORK = "framework"
    MODEL_TYPE = "modelType"
    LANGUAGE = "language"
    LIBRARY_NAME = "libraryName"
    LICENSE = "license"
    LICENSE_LINK = "licenseLink"
    MATURITY = "maturity"
    PROVIDER = "provider"
    TASKS = "tasks"


@strawberry.input(
    description="A filter on RegisteredModel lists: one condition, or and / or / not."
)
class RegisteredModelFilter(FilterConditions):
    and_: list[RegisteredModelFilter] | None = strawberry.field(name="and", default=None)
    or_: list[RegisteredModelFilter] | None = strawberry.field(name="or", default=None)
    not_: RegisteredModelFilter | None = strawberry.field(name="not", default=None)
    field: RegisteredModelField | None = None


@strawberry.enum(description="Filterable fields of ModelVersion.")
class ModelVersionField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    MODEL_ID = "parentId"
    FRAMEWORK = "framework"
    FRAMEWORK_VERSION = "frameworkVersion"
    MODEL_TYPE = "modelType"
    STAGE = "stage"
    VCS_COMMIT = "vcsCommit"
    VCS_REPO_URL = "vcsRepoUrl"
    VCS_BRANCH = "vcsBranch"
    MODEL_SIZE_BYTES = "modelSizeBytes"
    INFERENCE_LATENCY_MS = "inferenceLatencyMs"
    TRAINING_TIME_MS = "trainingTimeMs"


@strawberry.input(description="A filter on ModelVersion lists: one condition, or and / or / not.")
class ModelVersionFilter(FilterConditions):
    and_: list[ModelVersionFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ModelVersionFilter] | None = strawberry.field(name="or", default=None)
    not_: ModelVersionFilter | None = strawberry.field(name="not", default=None)
    field: ModelVersionField | None = None


@strawberry.enum(description="Filterable fields of ModelArtifact.")
class ModelArtifactField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    VERSION_ID = "parentId"
    URI = "uri"
    MODEL_FORMAT_NAME = "modelFormatName"
    MODEL_FORMAT_VERSION = "modelFormatVersion"
    SIZE_BYTES = "sizeBytes"
    DIGEST = "digest"
    STORAGE_KEY = "storageKey"
    STORAGE_PATH = "storagePath"
    SERVICE_ACCOUNT_NAME = "serviceAccountName"
    ARTIFACT_STATE = "artifactState"


@strawberry.input(description="A filter on ModelArtifact lists: one condition, or and / or / not.")
class ModelArtifactFilter(FilterConditions):
    and_: list[ModelArtifactFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ModelArtifactFilter] | None = strawberry.field(name="or", default=None)
    not_: ModelArtifactFilter | None = strawberry.field(name="not", default=None)
    field: ModelArtifactField | None = None


@strawberry.enum(description="Filterable fields of DocArtifact.")
class DocArtifactField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    VERSION_ID = "parentId"
    URI = "uri"
    ARTIFACT_STATE = "artifactState"


@strawberry.input(description="A filter on DocArtifact lists: one condition, or and / or / not.")
class DocArtifactFilter(FilterConditions):
    and_: list[DocArtifactFilter] | None = strawberry.field(name="and", default=None)
    or_: list[DocArtifactFilter] | None = strawberry.field(name="or", default=None)
    not_: DocArtifactFilter | None = strawberry.field(name="not", default=None)
    field: DocArtifactField | None = None


@strawberry.enum(description="Filterable fields of Dataset.")
class DatasetField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    OWNER = "owner"
    SOURCE_URI = "sourceUri"
    FORMAT = "format"


@strawberry.input(description="A filter on Dataset lists: one condition, or and / or / not.")
class DatasetFilter(FilterConditions):
    and_: list[DatasetFilter] | None = strawberry.field(name="and", default=None)
    or_: list[DatasetFilter] | None = strawberry.field(name="or", default=None)
    not_: DatasetFilter | None = strawberry.field(name="not", default=None)
    field: DatasetField | None = None


@strawberry.enum(description="Filterable fields of DatasetVersion.")
class DatasetVersionField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    DATASET_ID = "parentId"
    URI = "uri"
    FORMAT = "format"
    ROWS = "rows"
    BYTES = "bytes"
    DIGEST = "digest"
    FEATURE_NAMES = "featureNames"


@strawberry.input(description="A filter on DatasetVersion lists: one condition, or and / or / not.")
class DatasetVersionFilter(FilterConditions):
    and_: list[DatasetVersionFilter] | None = strawberry.field(name="and", default=None)
    or_: list[DatasetVersionFilter] | None = strawberry.field(name="or", default=None)
    not_: DatasetVersionFilter | None = strawberry.field(name="not", default=None)
    field: DatasetVersionField | None = None


@strawberry.enum(description="Filterable fields of Execution.")
class ExecutionField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    EXPERIMENT_ID = "parentId"
    TYPE = "type"
    STATUS = "status"
    START_TIME = "startTime"
    END_TIME = "endTime"
    TUNING_METHOD = "tuningMethod"
    VCS_COMMIT = "vcsCommit"
    VCS_REPO_URL = "vcsRepoUrl"
    LIBRARIES = "libraries"


@strawberry.input(description="A filter on Execution lists: one condition, or and / or / not.")
class ExecutionFilter(FilterConditions):
    and_: list[ExecutionFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ExecutionFilter] | None = strawberry.field(name="or", default=None)
    not_: ExecutionFilter | None = strawberry.field(name="not", default=None)
    field: ExecutionField | None = None


@strawberry.enum(description="Filterable fields of Experiment.")
class ExperimentField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    OWNER = "owner"


@strawberry.input(description="A filter on Experiment lists: one condition, or and / or / not.")
class ExperimentFilter(FilterConditions):
    and_: list[ExperimentFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ExperimentFilter] | None = strawberry.field(name="or", default=None)
    not_: ExperimentFilter | None = strawberry.field(name="not", default=None)
    field: ExperimentField | None = None


@strawberry.enum(description="Filterable fields of ServingEnvironment.")
class ServingEnvironmentField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    PLATFORM = "platform"
    REGION = "region"
    URL = "url"


@strawberry.input(
    description="A filter on ServingEnvironment lists: one condition, or and / or / not."
)
class ServingEnvironmentFilter(FilterConditions):
    and_: list[ServingEnvironmentFilter] | None = strawberry.field(name="and", default=None)
    or_: list[ServingEnvironmentFilter] | None = strawberry.field(name="or", default=None)
    not_: ServingEnvironmentFilter | None = strawberry.field(name="not", default=None)
    field: ServingEnvironmentField | None = None


@strawberry.enum(description="Filterable fields of Deployment.")
class DeploymentField(Enum):
    NAME = "name"
    DESCRIPTION = "description"
    EXTERNAL_ID = "externalId"
    STATE = "state"
    AUTHOR = "author"
    UPDATED_BY = "updatedBy"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TAGS = "tags"
    SERVING_ENVIRONMENT_ID = "parentId"
    STATUS = "status"
    ENDPOINT = "endpoint"
    RUNTIME = "runtime"
    MIN_REPLICAS = "minReplicas"
    MAX_REPLICAS = "maxReplicas"
    AUTOSCALING = "autoscaling"
    MONITORING_LINKS = "monitoringLinks"
    INFERENCE_LATENCY_MS = "inferenceLatencyMs"


@strawberry.input(description="A filter on Deployment lists: one condition, or and / or / not.")
class DeploymentFilter(FilterConditions):
    and_: list[DeploymentFilter] | None = strawberry.field(name="and", default=None)
    or_: list[DeploymentFilter] | None = strawberry.field(name="or", default=None)
    not_: DeploymentFilter | None = strawberry.field(name="not", default=None)
    field: DeploymentField | None = None


class FilterInput(Protocol):
    """What every per-kind filter input has in common."""

    and_: Any
    or_: Any
    not_: Any
    field: Any
    op: FilterOp | None
    value: Any
    tag: str | None
    custom_property: KeyCondition | None
    metadata: KeyCondition | None
    metric: KeyCondition | None
    hyperparameter: KeyCondition | None
    environment: KeyCondition | None


def _scalar(value: Any, field: str) -> Any:
    if isinstance(value, (dict, list)) or value is None:
        raise Invalid("filter value must be a string, number or boolean", field=field)
    return check_scalar(value, field)


def predicate(prop: str, op: FilterOp, value: Any, field: str) -> Predicate:
    """One leaf predicate, with its value checked against the operator."""
    if op is FilterOp.EXISTS:
        return Predicate(prop, Op.EXISTS)
    if prop in LIST_PROPS:
        if op in (FilterOp.EQ, FilterOp.CONTAINS):
            return Predicate(prop, Op.HAS, _scalar(value, field))
        if op is FilterOp.NE:
            return Predicate(prop, Op.HAS, _scalar(value, field), negate=True)
        raise Invalid(f"list field supports EQ, NE, CONTAINS, EXISTS, not {op.value}", field=field)
    if op is FilterOp.IN:
        if not isinstance(value, list) or len(value) > MAX_IN_VALUES:
            raise Invalid(f"IN needs a list of at most {MAX_IN_VALUES} values", field=field)
        return Predicate(prop, Op.IN, [_scalar(v, field) for v in value])
    checked = _scalar(value, field)
    if op in (FilterOp.IEQ, FilterOp.LIKE, FilterOp.ILIKE):
        if not isinstance(checked, str):
            raise Invalid(f"{op.value} needs a string value", field=field)
        if op is FilterOp.IEQ:
            return Predicate(prop, Op.MATCHES, "(?is)" + re.escape(checked))
        return Predicate(
            prop, Op.MATCHES, like_to_regex(checked, case_insensitive=op is FilterOp.ILIKE)
        )
    if op in (FilterOp.CONTAINS, FilterOp.STARTS_WITH, FilterOp.ENDS_WITH) and not isinstance(
        checked, str
    ):
        raise Invalid(f"{op.value} needs a string value", field=field)
    return Predicate(prop, Op(op.value), checked)


def _check_field_value(prop: str, op: FilterOp, value: Any, field: str) -> None:
    """Values of numeric, boolean and enum fields must have that type (each item of a list).

    Enum values are checked for EQ / NE / IN only: pattern and case-insensitive matches are free.
    """
    for item in value if isinstance(value, list) else [value]:
        if prop in NUMBER_PROPS and (isinstance(item, bool) or not isinstance(item, (int, float))):
            raise Invalid(f"{prop} is compared with numbers, not {item!r}", field=field)
        if prop in BOOL_PROPS and not isinstance(item, bool):
            raise Invalid(f"{prop} is compared with true or false, not {item!r}", field=field)
        allowed = ENUM_PROPS.get(prop) if op in (FilterOp.EQ, FilterOp.NE, FilterOp.IN) else None
        if allowed is not None and item not in allowed:
            raise Invalid(
                f"{prop} is one of {', '.join(sorted(allowed))}, not {item!r}", field=field
            )


def _key_condition(prefix: str, cond: KeyCondition, field: str) -> Predicate:
    check_key(cond.key, f"{field}.key")
    return predicate(prefix + cond.key, cond.op, cond.value, field)


def to_filter(node: FilterInput | None, field: str = "filter", depth: int = 0) -> Filter | None:
    """The store filter tree of a filter input; set conditions of one input are ANDed."""
    if node is None:
        return None
    if depth > 10:
        raise Invalid("filter nested too deeply", field=field)
    parts: list[Filter] = []
    if node.and_ == [] or node.or_ == []:
        raise Invalid("and / or need at least one operand", field=field)
    if node.and_ is not None:
        parts.append(And([_required(to_filter(x, f"{field}.and", depth + 1)) for x in node.and_]))
    if node.or_ is not None:
        parts.append(Or([_required(to_filter(x, f"{field}.or", depth + 1)) for x in node.or_]))
    if node.not_ is not None:
        parts.append(Not(_required(to_filter(node.not_, f"{field}.not", depth + 1))))
    if node.field is not None:
        if node.op is None:
            raise Invalid("a field condition needs `op`", field=f"{field}.op")
        prop = node.field.value
        if node.op is not FilterOp.EXISTS:
            _check_field_value(prop, node.op, node.value, f"{field}.value")
        parts.append(predicate(prop, node.op, node.value, f"{field}.value"))
    elif node.op is not None or node.value is not None:
        raise Invalid("`op` and `value` need `field`", field=f"{field}.field")
    if node.tag is not None:
        parts.append(Predicate("tags", Op.HAS, node.tag))
    keyed = [
        (node.custom_property, Family.CUSTOM.scalar_prefix, "customProperty"),
        (node.metadata, Family.METADATA.scalar_prefix, "metadata"),
        (node.metric, METRIC_PREFIX, "metric"),
        (node.hyperparameter, Family.HYPERPARAMETERS.scalar_prefix, "hyperparameter"),
        (node.environment, ENV_PREFIX, "environment"),
    ]
    for cond, prefix, name in keyed:
        if cond is not None:
            parts.append(_key_condition(prefix, cond, f"{field}.{name}"))
    if not parts:
        raise Invalid("empty filter: set a condition or and / or / not", field=field)
    return parts[0] if len(parts) == 1 else And(parts)


def _required(item: Filter | None) -> Filter:
    assert item is not None  # to_filter returns None only for a None input
    return item
