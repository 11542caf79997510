"""Kubeflow filterQuery grammar -> store/listing.py filter tree."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.rest import resources as R
from modelgraph.rest.filter_query import parse_filter
from modelgraph.store.listing import And, Not, Op, Or, Predicate, like_to_regex

RESOLVE = R.resolver((R.MODEL_VERSION,))


def parse(text: str) -> object:
    return parse_filter(text, RESOLVE)


def test_empty_is_no_filter() -> None:
    assert parse("") is None and parse("   ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'v1'", Predicate("name", Op.EQ, "v1")),
        ('name != "v1"', Predicate("name", Op.NE, "v1")),
        ("name <> 'v1'", Predicate("name", Op.NE, "v1")),
        ("state = 'ARCHIVED'", Predicate("state", Op.EQ, "ARCHIVED")),
        ("id = 7", Predicate("kfId", Op.EQ, 7)),
        ("id = '7'", Predicate("kfId", Op.EQ, 7)),
        ("createTimeSinceEpoch >= '1700000000000'", Predicate("createdAt", Op.GTE, 1700000000000)),
        ("accuracy > 0.9", Predicate("cp.accuracy", Op.GT, 0.9)),
        ("epochs <= 10", Predicate("cp.epochs", Op.LTE, 10)),
        ("approved = true", Predicate("cp.approved", Op.EQ, True)),
        ("framework.string_value = 'onnx'", Predicate("cp.framework", Op.EQ, "onnx")),
        ("epochs.int_value < '5'", Predicate("cp.epochs", Op.LT, 5)),
        ("loss.double_value < 1", Predicate("cp.loss", Op.LT, 1.0)),
        ("ok.bool_value = 'TRUE'", Predicate("cp.ok", Op.EQ, True)),
        ("`my key`.string_value = 'x'", Predicate("cp.my key", Op.EQ, "x")),
        ("`with.dots` = 'x'", Predicate("cp.with.dots", Op.EQ, "x")),
        ("name IN ('a', 'b')", Predicate("name", Op.IN, ["a", "b"])),
        ("name NOT IN ('a')", Predicate("name", Op.IN, ["a"], True)),
        (
            "name LIKE 'v%'",
            Predicate("name", Op.MATCHES, like_to_regex("v%", case_insensitive=False)),
        ),
        (
            "name ilike 'V_'",
            Predicate("name", Op.MATCHES, like_to_regex("V_", case_insensitive=True)),
        ),
        ("name = 'it''s'", Predicate("name", Op.EQ, "it's")),
    ],
)
def test_comparisons(text: str, expected: Predicate) -> None:
    assert parse(text) == expected


def test_precedence_and_parentheses() -> None:
    a, b, c = (Predicate("name", Op.EQ, x) for x in "abc")
    assert parse("name = 'a' OR name = 'b' AND name = 'c'") == Or([a, And([b, c])])
    assert parse("(name = 'a' or name = 'b') and name = 'c'") == And([Or([a, b]), c])
    assert parse("NOT (name = 'a')") == Not(a)


@pytest.mark.parametrize(
    "text",
    [
        "name =",
        "name 'x'",
        "= 'x'",
        "(name = 'a'",
        "name = 'a')",
        "name = 'a' AND",
        "name LIKE 3",
        "epochs.int_value = 'x'",
        "ok.bool_value = 'maybe'",
        "id = 'abc'",
        "name = 'a' # b",
        "name == 'a'",
        "name IN ()",
        "(" * 40 + "name = 'a'" + ")" * 40,
        "name = 'unterminated",
    ],
)
def test_malformed_is_invalid(text: str) -> None:
    with pytest.raises(Invalid):
        parse(text)


def test_ids_compare_as_stored() -> None:
    """Parent ids and joined run ids are integers in the graph; quoted or not, both match."""
    runs = R.resolver((R.METRIC,), joined=R.ARTIFACT_RUN_FIELDS)
    assert parse_filter("experimentRunId = '12'", runs) == Predicate("experimentRunId", Op.EQ, 12)
    assert parse_filter("experimentId IN (3, '4')", runs) == Predicate(
        "experimentId", Op.IN, [3, 4]
    )
    assert parse("registeredModelId = '5'") == Predicate("kfParentId", Op.EQ, 5)
    services = R.resolver((R.INFERENCE_SERVICE,))
    assert parse_filter("modelVersionId = 9", services) == Predicate("modelVersionId", Op.EQ, "9")
    with pytest.raises(Invalid):
        parse_filter("experimentRunId = 'x'", runs)
    # Without the join the name is a custom property, as before.
    assert parse_filter("experimentRunId = 1", R.resolver((R.METRIC,))) == Predicate(
        "cp.experimentRunId", Op.EQ, 1
    )
