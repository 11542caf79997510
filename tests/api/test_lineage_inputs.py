"""Lineage over HTTP: typed hyperparameter diffs, exact refs and the documented input limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import gql

REGISTER = """
mutation($v: String!, $hp: [TypedValueInput!]!) {
  registerModel(input: {
    modelName: "typed-diff", versionName: $v, artifact: {uri: "s3://typed-diff"}
    training: {hyperparameters: $hp}
  }) { version { id } }
}"""

DIFF = """{
  diff(versionA: "typed-diff:v1", versionB: "typed-diff:v2") {
    hyperparameters {
      key change
      a { key type boolValue intValue floatValue }
      b { key type boolValue intValue floatValue }
    }
  }
}"""


def _typed(key: str, vt: str, value: Any) -> dict[str, Any]:
    field = {"BOOL": "boolValue", "INT": "intValue", "FLOAT": "floatValue"}[vt]
    return {"key": key, "type": vt, field: value}


def _shown(key: str, vt: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "type": vt}
    out |= {"boolValue": None, "intValue": None, "floatValue": None}
    out[{"BOOL": "boolValue", "INT": "intValue", "FLOAT": "floatValue"}[vt]] = value
    return out


async def test_diff_reports_a_change_of_type_with_typed_values(client: httpx.AsyncClient) -> None:
    """BOOL true vs INT 1 and INT 32 vs FLOAT 32.0 are changes; an equal typed value is not."""
    for version, hp in (
        ("v1", [("early_stop", "BOOL", True), ("batch", "INT", 32), ("lr", "FLOAT", 0.1)]),
        ("v2", [("early_stop", "INT", 1), ("batch", "FLOAT", 32.0), ("lr", "FLOAT", 0.1)]),
    ):
        body = await gql(client, REGISTER, {"v": version, "hp": [_typed(*h) for h in hp]})
        assert "errors" not in body, body
    body = await gql(client, DIFF)
    assert "errors" not in body, body
    assert body["data"]["diff"]["hyperparameters"] == [  # type: ignore[index]
        {
            "key": "batch",
            "change": "CHANGED",
            "a": _shown("batch", "INT", 32),
            "b": _shown("batch", "FLOAT", 32.0),
        },
        {
            "key": "early_stop",
            "change": "CHANGED",
            "a": _shown("early_stop", "BOOL", True),
            "b": _shown("early_stop", "INT", 1),
        },
    ]


async def test_refs_match_names_exactly_and_echo_as_given(client: httpx.AsyncClient) -> None:
    body = await gql(client, REGISTER, {"v": "v1", "hp": []})
    assert "errors" not in body, body
    for field in ("trace", "impact"):
        ok = await gql(client, f'{{ {field}(ref: "typed-diff:v1") {{ root {{ label }} }} }}')
        assert ok["data"][field]["root"]["label"] == "typed-diff:v1"  # type: ignore[index]
        padded = await gql(client, f'{{ {field}(ref: " typed-diff:v1") {{ truncated }} }}')
        error = padded["errors"][0]  # type: ignore[index]
        assert error["message"] == "ref ' typed-diff:v1' has leading or trailing whitespace"
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "ref"}
    missing = await gql(client, '{ lineage(ref: "typed-diff:v9") { truncated } }')
    error = missing["errors"][0]  # type: ignore[index]
    assert error["message"] == "nothing matches ref 'typed-diff:v9'"
    assert error["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("query", "message", "field", "limit"),
    [
        (
            '{ trace(ref: "%s") { truncated } }' % ("x" * 601),
            "ref is 601 characters, over the limit of 600",
            "ref",
            600,
        ),
        (
            '{ lineage(ref: "x", maxDepth: 51) { truncated } }',
            "maxDepth 51 is outside the limit 1-50",
            "maxDepth",
            50,
        ),
        (
            '{ impact(ref: "x", maxDepth: 0) { truncated } }',
            "maxDepth 0 is outside the limit 1-50",
            "maxDepth",
            50,
        ),
        (
            '{ lineage(ref: "x", first: 5001) { truncated } }',
            "first 5001 is outside the limit 1-5000",
            "first",
            5000,
        ),
        (
            '{ impact(ref: "x", first: 5001) { counts { count } } }',
            "first 5001 is outside the limit 1-5000",
            "first",
            5000,
        ),
    ],
)
async def test_limits_are_named_and_given_in_extensions(
    client: httpx.AsyncClient, query: str, message: str, field: str, limit: int
) -> None:
    body = await gql(client, query)
    assert body.get("data") is None
    [error] = body["errors"]  # type: ignore[misc]
    assert error["message"] == message
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": field, "limit": limit}


async def test_limits_are_documented_in_the_schema(client: httpx.AsyncClient) -> None:
    q = """{ __type(name: "Query") { fields { name args { name description } } } }"""
    body = await gql(client, q)
    fields = {f["name"]: f for f in body["data"]["__type"]["fields"]}  # type: ignore[index]
    for name in ("trace", "impact", "lineage"):
        args = {a["name"]: a["description"] or "" for a in fields[name]["args"]}
        assert "at most 600 characters" in args["ref"]
        assert "1-50" in args["maxDepth"]
        assert "1-5000" in args["first"]
