"""The cost walk: linear in the document, page sizes as multipliers, limits named in errors."""

from __future__ import annotations

import time

from bench import workloads
from graphql import get_introspection_query, parse

from modelgraph.graphql.cost import (
    ASSUMED_LIST_SIZE,
    MAX_ALIASES,
    MAX_COST,
    MAX_DEPTH,
    Analysis,
    analyse,
    limit_errors,
)
from modelgraph.graphql.pagination import NESTED_PAGE
from modelgraph.graphql.schema import schema

GRAPHQL = schema._schema


def _fan_out(fragments: int) -> str:
    chain = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(fragments)
    )
    return f"query {{ ...F0 }} {chain} fragment F{fragments} on Query {{ serverVersion }}"


def test_fragment_fan_out_is_walked_once_per_fragment() -> None:
    began = time.perf_counter()
    found = analyse(GRAPHQL, parse(_fan_out(400)))
    took = time.perf_counter() - began
    assert found.cost > MAX_COST  # 2^400 expanded fields, saturated
    assert took < 1.0, took
    assert analyse(GRAPHQL, parse(_fan_out(40))).cost == 2**40


def test_page_sizes_multiply_nested_lists() -> None:
    one = analyse(GRAPHQL, parse("{ registeredModels(first: 1) { nodes { name } } }"))
    ten = analyse(GRAPHQL, parse("{ registeredModels(first: 10) { nodes { name } } }"))
    assert (one.cost, ten.cost) == (3, 30)
    nested = analyse(
        GRAPHQL, parse("{ registeredModels(first: 1) { nodes { versions(first: 4) { name } } } }")
    )
    assert nested.cost == 1 * (1 + 1 * (1 + 4 * (1 + 1)))
    default = analyse(
        GRAPHQL, parse("{ registeredModels(first: 1) { nodes { versions { id } } } }")
    )
    assert default.cost == 1 + 1 + NESTED_PAGE * 2
    by_variable = analyse(
        GRAPHQL,
        parse("query($n: Int!) { registeredModels(first: $n) { nodes { name } } }"),
        variables={"n": 7},
    )
    assert by_variable.cost == 21
    values = analyse(
        GRAPHQL, parse("{ registeredModels(first: 1) { nodes { customProperties { key } } } }")
    )
    assert values.cost == 1 + 1 + ASSUMED_LIST_SIZE * 2


def test_depth_and_aliases_count_the_written_document() -> None:
    inner = "name"
    for n in range(MAX_DEPTH):
        inner = f"versions(first: 1) {{ {inner} }}" if n % 2 == 0 else f"model {{ {inner} }}"
    deep = analyse(GRAPHQL, parse(f"{{ registeredModels {{ nodes {{ {inner} }} }} }}"))
    assert deep.depth == MAX_DEPTH + 2
    spread = "query { ...A ...A ...A } fragment A on Query { a: serverVersion b: serverVersion }"
    assert analyse(GRAPHQL, parse(spread)).aliases == 2


def test_every_limit_is_named_with_its_bound() -> None:
    errors = limit_errors(Analysis(depth=MAX_DEPTH + 1, aliases=MAX_ALIASES + 1, cost=MAX_COST + 1))
    assert [e.extensions["code"] for e in errors] == [  # type: ignore[index]
        "QUERY_TOO_DEEP",
        "TOO_MANY_ALIASES",
        "QUERY_TOO_COSTLY",
    ]
    assert [e.extensions["limit"] for e in errors] == [MAX_DEPTH, MAX_ALIASES, MAX_COST]  # type: ignore[index]
    assert errors[2].extensions["cost"] == MAX_COST + 1  # type: ignore[index]
    assert limit_errors(Analysis(MAX_DEPTH, MAX_ALIASES, MAX_COST)) == []


def test_introspection_and_the_bench_questions_fit_the_limits() -> None:
    assert limit_errors(analyse(GRAPHQL, parse(get_introspection_query()))) == []
    for workload in vars(workloads).values():
        text = getattr(workload, "text", None)
        if isinstance(text, str):
            assert limit_errors(analyse(GRAPHQL, parse(text))) == [], text
