"""The one JSON decoder for request bodies: typed refusals instead of 500s."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import encode_json
from modelgraph.domain.json_limits import MAX_JSON_DEPTH, check_json_depth, loads


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"a": "\xff"}', "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nested deeper"),
        (b'{"x": 1e400}', "out of range"),
        (b'{"x": NaN}', "not allowed"),
        (b'{"x": 1' + b"0" * 5000 + b"}", "not valid JSON"),
        (b'{"x": ', "not valid JSON"),
    ],
)
def test_bad_bodies_are_invalid(body: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message) as caught:
        loads(body)
    assert caught.value.field == "body"


def test_good_bodies_decode() -> None:
    depth = MAX_JSON_DEPTH
    assert loads(b"[" * depth + b"]" * depth) is not None
    assert loads('{"x": 1.5, "y": [1, "z"]}') == {"x": 1.5, "y": [1, "z"]}


def test_structs_are_bounded_before_encoding() -> None:
    struct: object = "leaf"
    for _ in range(5_000):
        struct = {"a": struct}
    with pytest.raises(Invalid, match="nested deeper") as caught:
        encode_json(struct, "customProperties.k")  # type: ignore[arg-type]
    assert caught.value.field == "customProperties.k"
    check_json_depth({"a": [1, {"b": 2}]}, "x")
