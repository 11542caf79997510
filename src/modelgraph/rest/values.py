"""Kubeflow ``MetadataValue`` maps in and out of ModelGraph's typed custom properties.

Kubeflow tags each value with ``metadataType``; ints travel as strings, structs as base64 JSON.
A ``MetadataProtoValue`` has no ModelGraph type: it is kept as a JSON struct under a marker key
(``{"$proto": {"type": ..., "value": ...}}``) so it round-trips through REST unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from typing import Any

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import Family, ValueType, decode_family, typed_entry

PROTO_MARKER = "$proto"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _int_value(raw: Any, field: str) -> int:
    if isinstance(raw, bool):
        raise Invalid("int_value must be an integer string", field=field)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        try:
            value = int(raw.strip())
        except ValueError:
            raise Invalid("int_value must be an integer string", field=field) from None
    else:
        raise Invalid("int_value must be an integer string", field=field)
    if not INT64_MIN <= value <= INT64_MAX:
        raise Invalid("int_value out of 64-bit range", field=field)
    return value


def _double_value(raw: Any, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise Invalid("double_value must be a number", field=field)
    value = float(raw)
    if math.isnan(value) or math.isinf(value):
        raise Invalid("double_value must be finite", field=field)
    return value


def _struct_value(raw: Any, field: str) -> Any:
    if not isinstance(raw, str):
        raise Invalid("struct_value must be base64-encoded JSON", field=field)
    try:
        return json.loads(base64.b64decode(raw, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise Invalid("struct_value must be base64-encoded JSON", field=field) from exc


def entry_properties(key: str, value: Any, field: str) -> dict[str, Any]:
    """Node properties (``cp.<key>`` / ``cpj.<key>``) for one Kubeflow MetadataValue."""
    if not isinstance(value, Mapping):
        raise Invalid("a custom property must be a MetadataValue object", field=field)
    mtype = value.get("metadataType")

    def need(name: str) -> Any:
        if name not in value or value[name] is None:
            raise Invalid(f"{mtype} needs {name}", field=field)
        return value[name]

    if mtype == "MetadataStringValue":
        text = need("string_value")
        if not isinstance(text, str):
            raise Invalid("string_value must be a string", field=field)
        return typed_entry(Family.CUSTOM, key, ValueType.STRING, text, field)
    if mtype == "MetadataIntValue":
        number = _int_value(need("int_value"), field)
        return typed_entry(Family.CUSTOM, key, ValueType.INT, number, field)
    if mtype == "MetadataDoubleValue":
        real = _double_value(need("double_value"), field)
        return typed_entry(Family.CUSTOM, key, ValueType.FLOAT, real, field)
    if mtype == "MetadataBoolValue":
        flag = need("bool_value")
        if not isinstance(flag, bool):
            raise Invalid("bool_value must be a boolean", field=field)
        return typed_entry(Family.CUSTOM, key, ValueType.BOOL, flag, field)
    if mtype == "MetadataStructValue":
        struct = _struct_value(need("struct_value"), field)
        return typed_entry(Family.CUSTOM, key, ValueType.JSON, struct, field)
    if mtype == "MetadataProtoValue":
        type_url, proto = need("type"), need("proto_value")
        if not isinstance(type_url, str) or not isinstance(proto, str):
            raise Invalid("MetadataProtoValue needs string type and proto_value", field=field)
        marker = {PROTO_MARKER: {"type": type_url, "value": proto}}
        return typed_entry(Family.CUSTOM, key, ValueType.JSON, marker, field)
    raise Invalid(
        "metadataType must be one of MetadataStringValue, MetadataIntValue, MetadataDoubleValue, "
        "MetadataBoolValue, MetadataStructValue, MetadataProtoValue",
        field=field,
    )


def custom_properties_in(raw: Any, field: str = "customProperties") -> dict[str, Any]:
    """Node properties for a whole ``customProperties`` map."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise Invalid("customProperties must be an object", field=field)
    props: dict[str, Any] = {}
    for key, value in raw.items():
        props.update(entry_properties(str(key), value, f"{field}.{key}"))
    return props


def metadata_value(vt: ValueType, value: Any) -> dict[str, Any]:
    """One stored typed value as a Kubeflow MetadataValue."""
    if vt is ValueType.STRING:
        return {"metadataType": "MetadataStringValue", "string_value": value}
    if vt is ValueType.INT:
        return {"metadataType": "MetadataIntValue", "int_value": str(value)}
    if vt is ValueType.FLOAT:
        return {"metadataType": "MetadataDoubleValue", "double_value": value}
    if vt is ValueType.BOOL:
        return {"metadataType": "MetadataBoolValue", "bool_value": value}
    if isinstance(value, dict) and set(value) == {PROTO_MARKER}:
        proto = value[PROTO_MARKER]
        return {
            "metadataType": "MetadataProtoValue",
            "type": proto.get("type", ""),
            "proto_value": proto.get("value", ""),
        }
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    return {
        "metadataType": "MetadataStructValue",
        "struct_value": base64.b64encode(text.encode()).decode(),
    }


def custom_properties_out(props: Mapping[str, Any]) -> dict[str, Any]:
    """The ``customProperties`` map of a node."""
    return {
        key: metadata_value(vt, value)
        for key, (vt, value) in decode_family(props, Family.CUSTOM).items()
    }
