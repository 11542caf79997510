"""GraphQL answers are encoded with orjson, with the standard encoder for what it cannot hold."""

from __future__ import annotations

import json

from modelgraph.app import ModelGraphGraphQL
from modelgraph.graphql.schema import schema


def _encoder(limit: int = 1024) -> ModelGraphGraphQL:
    return ModelGraphGraphQL(schema, max_response_bytes=limit)


def test_answers_are_compact_json_equal_to_the_standard_encoding() -> None:
    data = {"data": {"trace": {"nodes": [{"id": "a", "distance": 1, "name": "é☃"}], "x": None}}}
    body = _encoder().encode_json(data)
    assert json.loads(body) == data
    assert b" " not in (body if isinstance(body, bytes) else body.encode())


def test_integers_beyond_64_bits_still_encode() -> None:
    data = {"data": {"value": 2**70}}
    assert json.loads(_encoder().encode_json(data)) == data


def test_an_answer_over_the_cap_becomes_a_typed_error() -> None:
    body = json.loads(_encoder(1024).encode_json({"data": {"blob": "x" * 2000}}))
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "RESPONSE_TOO_LARGE", "limit": 1024}
