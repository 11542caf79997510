"""Kubeflow MetadataValue <-> typed custom properties."""

from __future__ import annotations

import base64
import json

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.rest.values import custom_properties_in, custom_properties_out

CASES = {
    "s": {"metadataType": "MetadataStringValue", "string_value": "x"},
    "i": {"metadataType": "MetadataIntValue", "int_value": "-9007199254740993"},
    "d": {"metadataType": "MetadataDoubleValue", "double_value": 1.5},
    "b": {"metadataType": "MetadataBoolValue", "bool_value": True},
    "j": {
        "metadataType": "MetadataStructValue",
        "struct_value": base64.b64encode(b'{"a":[1,null]}').decode(),
    },
    "p": {
        "metadataType": "MetadataProtoValue",
        "type": "type.googleapis.com/x",
        "proto_value": "AQI=",
    },
}


def test_round_trip_of_every_type() -> None:
    props = custom_properties_in(CASES)
    assert props["cp.i"] == -9007199254740993 and props["cp.d"] == 1.5 and props["cp.b"] is True
    assert json.loads(props["cpj.j"]) == {"a": [1, None]}
    stored = {k: v for k, v in props.items() if v is not None}  # Neo4j drops null properties
    assert custom_properties_out(stored) == CASES


def test_int_is_a_string_and_double_accepts_ints() -> None:
    props = custom_properties_in(
        {
            "n": {"metadataType": "MetadataIntValue", "int_value": 7},
            "f": {"metadataType": "MetadataDoubleValue", "double_value": 2},
        }
    )
    out = custom_properties_out({k: v for k, v in props.items() if v is not None})
    assert out["n"]["int_value"] == "7" and out["f"]["double_value"] == 2.0


@pytest.mark.parametrize(
    "value",
    [
        {"metadataType": "MetadataIntValue", "int_value": "1.5"},
        {"metadataType": "MetadataIntValue", "int_value": str(2**63)},
        {"metadataType": "MetadataIntValue", "int_value": True},
        {"metadataType": "MetadataDoubleValue", "double_value": "1"},
        {"metadataType": "MetadataDoubleValue", "double_value": float("nan")},
        {"metadataType": "MetadataBoolValue", "bool_value": "true"},
        {"metadataType": "MetadataStringValue"},
        {"metadataType": "MetadataStructValue", "struct_value": "not base64!"},
        {"metadataType": "MetadataStructValue", "struct_value": base64.b64encode(b"{").decode()},
        {"metadataType": "MetadataProtoValue", "proto_value": "AQI="},
        {"metadataType": "Other", "string_value": "x"},
        "plain",
    ],
)
def test_malformed_values_are_invalid(value: object) -> None:
    with pytest.raises(Invalid):
        custom_properties_in({"k": value})


def test_bad_keys_are_invalid() -> None:
    with pytest.raises(Invalid):
        custom_properties_in({"$bad": {"metadataType": "MetadataStringValue", "string_value": ""}})
    with pytest.raises(Invalid):
        custom_properties_in(["not", "a", "map"])
