"""Kubeflow resource types and how their JSON fields map to graph node properties.

One :class:`Resource` per Kubeflow type fixes which fields a create accepts, which a PATCH may
change (everything else is ignored, as Kubeflow does), the node property behind each field, and
how a node is rendered back (camelCase, ids and epoch-ms times as strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    MAX_NAME_LENGTH,
    MAX_STRING_LENGTH,
    Family,
    Label,
    RecordKind,
    check_name,
)
from modelgraph.rest.filter_query import PropertyRef, coerce_literal
from modelgraph.rest.values import custom_properties_in, custom_properties_out


class FieldType(StrEnum):
    STRING = "string"
    STRING_LIST = "string_list"
    INT_STRING = "int_string"  # int64 carried as a JSON string (epoch ms, steps)
    NUMBER = "number"
    ENUM = "enum"


@dataclass(frozen=True)
class Field:
    """One JSON field of a Kubeflow type and its node property."""

    json: str
    prop: str
    type: FieldType = FieldType.STRING
    create: bool = True
    update: bool = True
    choices: tuple[str, ...] = ()
    default: Any = None


ARTIFACT_STATES = (
    "UNKNOWN",
    "PENDING",
    "LIVE",
    "MARKED_FOR_DELETION",
    "DELETED",
    "ABANDONED",
    "REFERENCE",
)
LIVE_ARCHIVED = ("LIVE", "ARCHIVED")
EXPERIMENT_RUN_STATUSES = ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")


def _artifact_state() -> Field:
    return Field(
        "state", "artifactState", FieldType.ENUM, choices=ARTIFACT_STATES, default="UNKNOWN"
    )


def _state() -> Field:
    return Field("state", "state", FieldType.ENUM, choices=LIVE_ARCHIVED, default="LIVE")


@dataclass(frozen=True)
class Resource:
    """A Kubeflow resource type over one kind of node."""

    name: str  # Kubeflow schema name
    label: Label | None  # None for metric/parameter records (not :Entity)
    fields: tuple[Field, ...]
    artifact_type: str | None = None  # the ``artifactType`` discriminator of artifact types
    parent_field: str | None = None  # JSON field naming the parent (registeredModelId, ...)
    name_required: bool = False
    extra_out: Mapping[str, str] = field(default_factory=dict)  # JSON field -> fixed value

    def field_by_json(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.json == name), None)


REGISTERED_MODEL = Resource(
    Label.REGISTERED_MODEL.value,
    Label.REGISTERED_MODEL,
    (
        Field("owner", "owner"),
        _state(),
        Field("readme", "readme"),
        Field("maturity", "maturity"),
        Field("language", "language", FieldType.STRING_LIST),
        Field("tasks", "tasks", FieldType.STRING_LIST),
        Field("provider", "provider"),
        Field("logo", "logo"),
        Field("license", "license"),
        Field("licenseLink", "licenseLink"),
        Field("libraryName", "libraryName"),
    ),
    name_required=True,
)
MODEL_VERSION = Resource(
    Label.MODEL_VERSION.value,
    Label.MODEL_VERSION,
    (
        # Stamped by the writers from the acting principal; never taken from a body.
        Field("author", "author", create=False, update=False),
        _state(),
        Field("registeredModelId", "kfParentId", update=False),
    ),
    parent_field="registeredModelId",
    name_required=True,
)
MODEL_ARTIFACT = Resource(
    Label.MODEL_ARTIFACT.value,
    Label.MODEL_ARTIFACT,
    (
        Field("uri", "uri"),
        _artifact_state(),
        Field("modelFormatName", "modelFormatName"),
        Field("modelFormatVersion", "modelFormatVersion"),
        Field("storageKey", "storageKey"),
        Field("storagePath", "storagePath"),
        Field("serviceAccountName", "serviceAccountName"),
        Field("modelSourceKind", "modelSourceKind"),
        Field("modelSourceClass", "modelSourceClass"),
        Field("modelSourceGroup", "modelSourceGroup"),
        Field("modelSourceId", "modelSourceId"),
        Field("modelSourceName", "modelSourceName"),
    ),
    artifact_type="model-artifact",
)
DOC_ARTIFACT = Resource(
    Label.DOC_ARTIFACT.value,
    Label.DOC_ARTIFACT,
    (Field("uri", "uri"), _artifact_state()),
    artifact_type="doc-artifact",
)
DATASET_ARTIFACT = Resource(
    "DataSet",
    Label.DATASET_VERSION,
    (
        Field("uri", "uri"),
        _artifact_state(),
        Field("digest", "digest"),
        Field("sourceType", "sourceType"),
        Field("source", "source"),
        Field("schema", "schema"),
        Field("profile", "profile"),
    ),
    artifact_type="dataset-artifact",
)
METRIC = Resource(
    "Metric",
    None,
    (
        Field("value", "value", FieldType.NUMBER),
        Field("timestamp", "timestamp", FieldType.INT_STRING),
        Field("step", "step", FieldType.INT_STRING),
        _artifact_state(),
    ),
    artifact_type="metric",
)
PARAMETER = Resource(
    RecordKind.PARAMETER.value,
    None,
    (
        Field("value", "value"),
        Field(
            "parameterType",
            "parameterType",
            FieldType.ENUM,
            choices=("string", "number", "boolean", "object"),
            default="string",
        ),
        _artifact_state(),
    ),
    artifact_type="parameter",
)
SERVING_ENVIRONMENT = Resource(
    Label.SERVING_ENVIRONMENT.value, Label.SERVING_ENVIRONMENT, (), name_required=True
)
INFERENCE_SERVICE = Resource(
    "InferenceService",
    Label.DEPLOYMENT,
    (
        Field("modelVersionId", "modelVersionId"),
        Field("runtime", "runtime"),
        Field(
            "desiredState",
            "desiredState",
            FieldType.ENUM,
            choices=("DEPLOYED", "UNDEPLOYED"),
            default="DEPLOYED",
        ),
        Field("registeredModelId", "registeredModelId", update=False),
        Field("servingEnvironmentId", "kfParentId", update=False),
    ),
    parent_field="servingEnvironmentId",
)
EXPERIMENT = Resource(
    Label.EXPERIMENT.value,
    Label.EXPERIMENT,
    (Field("owner", "owner"), _state()),
    name_required=True,
)
EXPERIMENT_RUN = Resource(
    "ExperimentRun",
    Label.EXECUTION,
    (
        Field("experimentId", "kfParentId", update=False),
        Field("owner", "owner"),
        _state(),
        Field(
            "status",
            "runStatus",
            FieldType.ENUM,
            choices=EXPERIMENT_RUN_STATUSES,
            default="RUNNING",
        ),
        # Kubeflow's ExperimentRunUpdate has no start time: it is set at create only.
        Field("startTimeSinceEpoch", "startTime", FieldType.INT_STRING, update=False),
        Field("endTimeSinceEpoch", "endTime", FieldType.INT_STRING),
    ),
    parent_field="experimentId",
)

EXECUTION_STATES = ("UNKNOWN", "NEW", "RUNNING", "COMPLETE", "FAILED", "CACHED", "CANCELED")
SERVE_MODEL = Resource(
    "ServeModel",
    None,
    (
        Field(
            "lastKnownState",
            "lastKnownState",
            FieldType.ENUM,
            choices=EXECUTION_STATES,
            default="UNKNOWN",
        ),
        Field("modelVersionId", "modelVersionKfId", update=False),
    ),
)

# Read-only BaseArtifact fields a read may join onto an artifact (Kubeflow ids).
ARTIFACT_RUN_FIELDS = ("experimentRunId", "experimentId")

ARTIFACTS = (MODEL_ARTIFACT, DOC_ARTIFACT, DATASET_ARTIFACT, METRIC, PARAMETER)
ARTIFACT_BY_TYPE = {r.artifact_type: r for r in ARTIFACTS}
# The node ``kind`` of each artifact resource (metric/parameter records are not :Entity).
ARTIFACT_KIND = {
    "model-artifact": Label.MODEL_ARTIFACT.value,
    "doc-artifact": Label.DOC_ARTIFACT.value,
    "dataset-artifact": Label.DATASET_VERSION.value,
    "metric": RecordKind.METRIC_POINT.value,
    "parameter": RecordKind.PARAMETER.value,
}
ARTIFACT_BY_KIND = {kind: ARTIFACT_BY_TYPE[t] for t, kind in ARTIFACT_KIND.items()}

_COMMON_PROPS = {
    "id": "kfId",
    "name": "name",
    "description": "description",
    "externalId": "externalId",
    "createTimeSinceEpoch": "createdAt",
    "lastUpdateTimeSinceEpoch": "updatedAt",
}


def _check_string(value: Any, where: str, limit: int = MAX_STRING_LENGTH) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{where} must be a string", field=where)
    if len(value) > limit:
        raise Invalid(f"{where} longer than {limit} characters", field=where)
    return value


def _int_string(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise Invalid(f"{where} must be an integer string", field=where)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            raise Invalid(f"{where} must be an integer string", field=where) from None
    else:
        raise Invalid(f"{where} must be an integer string", field=where)
    if not -(2**63) <= number < 2**63:
        raise Invalid(f"{where} out of 64-bit range", field=where)
    return number


def _field_value(f: Field, value: Any) -> Any:
    where = f.json
    if value is None:
        return None
    if f.type is FieldType.STRING:
        return _check_string(value, where)
    if f.type is FieldType.STRING_LIST:
        if not isinstance(value, list):
            raise Invalid(f"{where} must be a list of strings", field=where)
        return [_check_string(v, where, MAX_NAME_LENGTH) for v in value]
    if f.type is FieldType.INT_STRING:
        return _int_string(value, where)
    if f.type is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{where} must be a number", field=where)
        if value != value or value in (float("inf"), float("-inf")):
            raise Invalid(f"{where} must be finite", field=where)
        return float(value)
    if value not in f.choices:
        raise Invalid(f"{where} must be one of {', '.join(f.choices)}", field=where)
    return value


def body_object(body: Any) -> Mapping[str, Any]:
    """The request body must be a JSON object."""
    if not isinstance(body, Mapping):
        raise Invalid("request body must be a JSON object", field="body")
    return body


def create_properties(resource: Resource, body: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties for a create request (validated; unknown fields ignored)."""
    props: dict[str, Any] = {}
    name = body.get("name")
    if name is not None:
        props["name"] = check_name(name)
    elif resource.name_required:
        raise Invalid("name is required", field="name")
    for key in ("description", "externalId"):
        if body.get(key) is not None:
            props[key] = _check_string(body[key], key)
    if props.get("externalId") == "":
        raise Invalid("externalId must not be empty", field="externalId")
    for f in resource.fields:
        if not f.create:
            continue
        value = _field_value(f, body.get(f.json))
        if value is None:
            value = f.default
        if value is not None and f.prop not in ("kfParentId", "modelVersionKfId"):
            props[f.prop] = value
    props.update(custom_properties_in(body.get("customProperties")))
    return props


def update_properties(resource: Resource, body: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties a PATCH changes; immutable fields (name, parents, ids) are ignored."""
    props: dict[str, Any] = {}
    for key in ("description", "externalId"):
        if key in body and body[key] is not None:
            props[key] = _check_string(body[key], key)
    if props.get("externalId") == "":
        raise Invalid("externalId must not be empty", field="externalId")
    for f in resource.fields:
        if f.update and f.json in body and body[f.json] is not None:
            props[f.prop] = _field_value(f, body[f.json])
    return props


def parent_id(resource: Resource, body: Mapping[str, Any], required: bool = True) -> str | None:
    """The parent id a create names (registeredModelId, servingEnvironmentId, ...)."""
    if resource.parent_field is None:
        return None
    value = body.get(resource.parent_field)
    if value is None or value == "":
        if required:
            raise Invalid(f"{resource.parent_field} is required", field=resource.parent_field)
        return None
    return _check_string(value, resource.parent_field, MAX_NAME_LENGTH)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def render(resource: Resource, node: Mapping[str, Any]) -> dict[str, Any]:
    """A node as the Kubeflow JSON object of ``resource``."""
    out: dict[str, Any] = {
        "id": _str(node.get("kfId")),
        "name": node.get("name"),
        "createTimeSinceEpoch": _str(node.get("createdAt")),
        "lastUpdateTimeSinceEpoch": _str(node.get("updatedAt")),
        "customProperties": custom_properties_out(node),
    }
    for key in ("description", "externalId"):
        if node.get(key) is not None:
            out[key] = node[key]
    for f in resource.fields:
        value = node.get(f.prop)
        if value is None:
            value = f.default
        if value is None:
            continue
        if f.type is FieldType.INT_STRING or f.prop in ("kfParentId", "modelVersionKfId"):
            value = str(value)
        out[f.json] = value
    if resource.artifact_type:
        out["artifactType"] = resource.artifact_type
        # BaseArtifact: the run (and its experiment) that produced it, when the read knows them.
        for key in ARTIFACT_RUN_FIELDS:
            if node.get(key) is not None:
                out[key] = str(node[key])
    out.update(resource.extra_out)
    return out


def resolver(resources: tuple[Resource, ...], joined: tuple[str, ...] = ()) -> Any:
    """A filterQuery resolver over the fields of ``resources`` (custom properties otherwise);
    ``joined`` names id fields the query joins on (experimentRunId, ...), compared as integers."""
    by_json: dict[str, Field] = {}
    for res in resources:
        for f in res.fields:
            by_json.setdefault(f.json, f)

    def resolve(ref: PropertyRef, value: Any) -> tuple[str, Any]:
        if ref.suffix is None and not ref.quoted:
            if ref.name in _COMMON_PROPS:
                prop = _COMMON_PROPS[ref.name]
                if prop in ("createdAt", "updatedAt", "kfId"):
                    return prop, _int_string(value, ref.name)
                return prop, value
            if ref.name in joined:
                return ref.name, _int_string(value, ref.name)
            known = by_json.get(ref.name)
            if known is not None:
                # Parent ids are stored as integers: '3' and 3 both name parent 3.
                if known.type is FieldType.INT_STRING or known.prop == "kfParentId":
                    return known.prop, _int_string(value, ref.name)
                if known.json in ("registeredModelId", "modelVersionId") and isinstance(value, int):
                    return known.prop, str(value)  # inference services keep these as text
                if known.type is FieldType.NUMBER and isinstance(value, str):
                    raise Invalid(f"{ref.name} compares with a number", field="filterQuery")
                return known.prop, value
        key = ref.name
        if not key or len(key) > 128:
            raise Invalid("invalid property name", field="filterQuery")
        return Family.CUSTOM.scalar_prefix + key, coerce_literal(ref, value)

    return resolve
