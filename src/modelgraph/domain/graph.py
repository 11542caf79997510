"""The graph contract (docs/graph-model.md): kinds, parents, relationships, common fields, rules.

Every writer and reader takes these names from here; no other Python module spells a kind,
relationship or property prefix (tests/unit/test_graph_contract.py checks).

Neo4j properties cannot hold maps, so open-ended typed maps are flattened into prefixed
properties on the node itself. That keeps them filterable in Cypher (``n['cp.' + $key] > $v``)
without one node per property. JSON structs are stored as JSON text under a parallel prefix so
that a string and a struct with the same text stay distinguishable.

    customProperties  cp.<key>  (string | int | float | bool)   cpj.<key>  (JSON text)
    metadata          md.<key>                                   mdj.<key>
    hyperparameters   hp.<key>                                   hpj.<key>
    metrics (latest)  m.<key>   (float)
    environment       env.<key> (string)

Metric history (training curves) is kept as ``(:MetricPoint {key, value, step, timestamp})``
nodes hanging off the owner with ``HAS_METRIC``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias

from modelgraph.domain.errors import FailedPrecondition, Invalid
from modelgraph.domain.json_limits import check_json_depth
from modelgraph.domain.principal import ANONYMOUS, Principal

JsonValue: TypeAlias = Any
ScalarValue: TypeAlias = str | int | float | bool


class Label(StrEnum):
    """Node labels; the only labels Cypher text may name."""

    REGISTERED_MODEL = "RegisteredModel"
    MODEL_VERSION = "ModelVersion"
    MODEL_ARTIFACT = "ModelArtifact"
    DOC_ARTIFACT = "DocArtifact"
    DATASET = "Dataset"
    DATASET_VERSION = "DatasetVersion"
    EXECUTION = "Execution"
    EXPERIMENT = "Experiment"
    SERVING_ENVIRONMENT = "ServingEnvironment"
    DEPLOYMENT = "Deployment"


class Rel(StrEnum):
    """Relationship types."""

    HAS_VERSION = "HAS_VERSION"  # RegisteredModel->ModelVersion, Dataset->DatasetVersion
    HAS_ARTIFACT = "HAS_ARTIFACT"  # ModelVersion->ModelArtifact|DocArtifact
    HAS_RUN = "HAS_RUN"  # Experiment->Execution
    HOSTS = "HOSTS"  # ServingEnvironment->Deployment
    CONSUMED_BY = "CONSUMED_BY"  # input->Execution {role}
    PRODUCED = "PRODUCED"  # Execution->output
    DEPLOYED_AS = "DEPLOYED_AS"  # ModelVersion->Deployment {since, until}
    HAS_METRIC = "HAS_METRIC"  # owner->MetricPoint
    HAS_TRANSITION = "HAS_TRANSITION"  # ModelVersion->StageTransition
    HAS_APPROVAL = "HAS_APPROVAL"  # ModelVersion->Approval
    HAS_ALIAS = "HAS_ALIAS"  # RegisteredModel->AliasAssignment
    POINTS_TO = "POINTS_TO"  # AliasAssignment->ModelVersion
    HAS_PARAMETER = "HAS_PARAMETER"  # owner->Parameter (Kubeflow parameter artifacts)
    HAS_FIELD = "HAS_FIELD"  # DatasetVersion->DatasetField (OpenLineage schema / columnLineage)
    DERIVES_FROM = "DERIVES_FROM"  # DatasetField->DatasetField it is computed from {runId, ...}
    HAS_CHILD_RUN = "HAS_CHILD_RUN"  # Execution->Execution (OpenLineage parent run facet)


class RecordKind(StrEnum):
    """Nodes that are not ``:Entity`` but carry a ``kind`` (governance and Kubeflow records)."""

    METRIC_POINT = "MetricPoint"
    PARAMETER = "Parameter"
    STAGE_TRANSITION = "StageTransition"
    APPROVAL = "Approval"
    ALIAS_ASSIGNMENT = "AliasAssignment"
    DATASET_FIELD = "DatasetField"


@dataclass(frozen=True)
class Parent:
    """Where a child kind hangs: the parent kind, the edge from it, and whether it is required."""

    kind: Label
    rel: Rel
    required: bool = True


PARENTS: dict[Label, Parent] = {
    Label.MODEL_VERSION: Parent(Label.REGISTERED_MODEL, Rel.HAS_VERSION),
    Label.MODEL_ARTIFACT: Parent(Label.MODEL_VERSION, Rel.HAS_ARTIFACT, required=False),
    Label.DOC_ARTIFACT: Parent(Label.MODEL_VERSION, Rel.HAS_ARTIFACT, required=False),
    Label.DATASET_VERSION: Parent(Label.DATASET, Rel.HAS_VERSION),
    Label.EXECUTION: Parent(Label.EXPERIMENT, Rel.HAS_RUN, required=False),
    Label.DEPLOYMENT: Parent(Label.SERVING_ENVIRONMENT, Rel.HOSTS),
}

# Kinds that flow through executions as inputs and outputs.
FLOW_KINDS = frozenset(
    {Label.DATASET_VERSION, Label.MODEL_VERSION, Label.MODEL_ARTIFACT, Label.DOC_ARTIFACT}
)
# Kinds the Kubeflow REST API shows; each gets its numeric ``kfId`` when it is written.
KF_OWNER_KINDS = (Label.MODEL_VERSION, Label.EXECUTION)


class State(StrEnum):
    """Life-cycle state of every node: nothing is hard-deleted through the API."""

    LIVE = "LIVE"
    ARCHIVED = "ARCHIVED"


class ValueType(StrEnum):
    """Type tag of a custom property / metadata value."""

    STRING = "STRING"
    INT = "INT"
    FLOAT = "FLOAT"
    BOOL = "BOOL"
    JSON = "JSON"


class Family(StrEnum):
    """A typed map flattened onto node properties; the value is the scalar prefix."""

    CUSTOM = "cp"
    METADATA = "md"
    HYPERPARAMETERS = "hp"

    @property
    def scalar_prefix(self) -> str:
        return f"{self.value}."

    @property
    def json_prefix(self) -> str:
        return f"{self.value}j."


METRIC_PREFIX = "m."
ENV_PREFIX = "env."

MAX_KEY_LENGTH = 128
MAX_STRING_LENGTH = 65_536
MAX_NAME_LENGTH = 256

# Common fields only the writers set (stamp_new, the update query); no face may set them.
SERVER_FIELDS = frozenset(
    {
        "id",
        "kind",
        "createdAt",
        "updatedAt",
        "author",
        "updatedBy",
        "parentId",
        "kfId",
        "kfParentId",
    }
)


def actor_id(actor: Principal | None) -> str:
    """The one rule for a missing actor: writes without a principal are ``anonymous``."""
    return (actor or ANONYMOUS).id


def check_name(name: object, field: str = "name") -> str:
    """Names are 1-256 characters without leading or trailing whitespace (refs match exactly)."""
    rule = f"a name is 1-{MAX_NAME_LENGTH} characters"
    if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
        raise Invalid(rule, field=field)
    if name != name.strip():
        raise Invalid(f"{rule} and does not start or end with whitespace", field=field)
    return name


def check_server_fields(props: Mapping[str, Any]) -> None:
    """Refuse client-supplied common fields: ids, times and authorship are stamped by writers."""
    bad = sorted(SERVER_FIELDS.intersection(props))
    if bad:
        raise Invalid(f"server-managed properties cannot be set: {', '.join(bad)}", field=bad[0])


def stamp_new(kind: Label, entity_id: str, at: int, actor: Principal | None) -> dict[str, Any]:
    """Common fields of a new entity (the kind label, state and times; author = updatedBy)."""
    who = actor_id(actor)
    return {
        "id": entity_id,
        "kind": kind.value,
        "state": State.LIVE.value,
        "tags": [],
        "createdAt": at,
        "updatedAt": at,
        "author": who,
        "updatedBy": who,
    }


def require_live(node: Mapping[str, Any], field: str) -> None:
    """ARCHIVED entities take no new children, deployments or aliases: FAILED_PRECONDITION."""
    if node.get("state") == State.ARCHIVED.value:
        raise FailedPrecondition(
            f"{node.get('kind')} {node.get('name')!r} is archived; unarchive it first", field=field
        )


_KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/@+\- ]*$")
_INT64 = 2**63


def check_key(key: str, field: str) -> str:
    """A map key must be short, printable and free of quoting characters."""
    if not key or len(key) > MAX_KEY_LENGTH or not _KEY_RE.match(key):
        raise Invalid(
            f"invalid key {key!r}: 1-{MAX_KEY_LENGTH} characters of letters, digits, "
            "'_', '.', ':', '/', '@', '+', '-' or space, not starting with punctuation",
            field=field,
        )
    return key


def check_scalar(value: ScalarValue, field: str) -> ScalarValue:
    """Reject values Neo4j cannot store faithfully (huge ints, NaN, oversized strings)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise Invalid("integer out of 64-bit range", field=field)
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise Invalid("float must be finite", field=field)
        return value
    if isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise Invalid(f"string longer than {MAX_STRING_LENGTH} characters", field=field)
        return value
    raise Invalid(f"unsupported value type {type(value).__name__}", field=field)


def encode_json(value: JsonValue, field: str) -> str:
    """JSON structs are stored as compact JSON text."""
    check_json_depth(value, field)
    try:
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"not a JSON value: {exc}", field=field) from exc
    if len(text) > MAX_STRING_LENGTH:
        raise Invalid(f"JSON value longer than {MAX_STRING_LENGTH} characters", field=field)
    return text


def typed_entry(
    family: Family, key: str, value_type: ValueType, value: Any, field: str
) -> dict[str, Any]:
    """Node properties for one typed map entry, clearing the other representation of the key."""
    check_key(key, field)
    scalar_key, json_key = family.scalar_prefix + key, family.json_prefix + key
    if value_type is ValueType.JSON:
        return {scalar_key: None, json_key: encode_json(value, field)}
    coerced = coerce_scalar(value_type, value, field)
    return {scalar_key: coerced, json_key: None}


def coerce_scalar(value_type: ValueType, value: Any, field: str) -> ScalarValue:
    """Check ``value`` against the declared type; ints are accepted where floats are declared."""
    ok: bool
    if value_type is ValueType.BOOL:
        ok = isinstance(value, bool)
    elif value_type is ValueType.INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif value_type is ValueType.FLOAT:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, str)
    if not ok:
        raise Invalid(f"value {value!r} is not of type {value_type.value}", field=field)
    return check_scalar(value, field)


def removal_entries(family: Family, keys: list[str]) -> dict[str, None]:
    """Properties that, set to null, remove ``keys`` from a typed map."""
    out: dict[str, None] = {}
    for key in keys:
        out[family.scalar_prefix + key] = None
        out[family.json_prefix + key] = None
    return out


def clear_family(props: Mapping[str, Any], family: Family) -> dict[str, None]:
    """Properties that, set to null, empty a typed map (for replace semantics)."""
    prefixes = (family.scalar_prefix, family.json_prefix)
    return {k: None for k in props if k.startswith(prefixes)}


def value_type_of(value: ScalarValue) -> ValueType:
    """The type tag of a stored scalar."""
    if isinstance(value, bool):
        return ValueType.BOOL
    if isinstance(value, int):
        return ValueType.INT
    if isinstance(value, float):
        return ValueType.FLOAT
    return ValueType.STRING


def decode_family(props: Mapping[str, Any], family: Family) -> dict[str, tuple[ValueType, Any]]:
    """Read a typed map back from node properties: key -> (type, value)."""
    out: dict[str, tuple[ValueType, Any]] = {}
    sp, jp = family.scalar_prefix, family.json_prefix
    for name, raw in props.items():
        if name.startswith(sp):
            out[name[len(sp) :]] = (value_type_of(raw), raw)
        elif name.startswith(jp):
            out[name[len(jp) :]] = (ValueType.JSON, json.loads(raw))
    return dict(sorted(out.items()))


def decode_prefixed(props: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Read a plain prefixed map (metrics, environment) back from node properties."""
    return dict(sorted((k[len(prefix) :], v) for k, v in props.items() if k.startswith(prefix)))
