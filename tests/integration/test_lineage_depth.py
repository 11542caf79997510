"""Depth-bounded traversal variants, slim answers, counts off the walk and the plan warm-up."""

from __future__ import annotations

import httpx
import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.store import lineage
from modelgraph.store.db import Database
from modelgraph.store.lineage import BOUNDS, Direction, search_bound
from tests.conftest import gql
from tests.lineage_factories import chain, fan_out

# Around every bound: one below, on it, one above (the next variant), and the extremes.
DEPTHS = (1, 4, 5, 6, 10, 11, 20, 21, 49, 50)


def test_search_bound_is_the_smallest_variant_reaching_max_depth() -> None:
    assert [search_bound(d) for d in (1, 5, 6, 10, 11, 20, 21, 50)] == [
        5,
        5,
        10,
        10,
        20,
        20,
        50,
        50,
    ]
    with pytest.raises(Invalid):
        search_bound(51)


@pytest.mark.parametrize("direction", list(Direction))
async def test_every_variant_answers_exactly_max_depth(db: Database, direction: Direction) -> None:
    ids = await chain(db, 30)  # 61 nodes in a line: 30 hops up and 30 down from the middle
    middle = 30
    for depth in DEPTHS:
        graph = await lineage.lineage(db, ids[middle], direction, max_depth=depth)
        reach = min(depth, 30)
        up = {ids[middle - k]: k for k in range(1, reach + 1)}
        down = {ids[middle + k]: k for k in range(1, reach + 1)}
        want = {Direction.UPSTREAM: up, Direction.DOWNSTREAM: down, Direction.BOTH: up | down}
        assert {i.id: i.distance for i in graph.items} == want[direction], (direction, depth)
        assert graph.truncated == (depth < 30), (direction, depth)
        assert not graph.over_limit


async def test_impact_counts_per_variant_match_the_walk(db: Database) -> None:
    ids = await chain(db, 30)
    for depth in DEPTHS:
        walk = await lineage.impact(db, ids[0], max_depth=depth)
        counts = await lineage.impact_counts(db, ids[0], max_depth=depth)
        want = {"Execution": (depth + 1) // 2, "DatasetVersion": depth // 2}
        assert counts.counts == {k: n for k, n in want.items() if n}
        assert lineage.counts_of(walk) == counts


async def test_slim_answers_hold_the_same_nodes_without_payload(db: Database) -> None:
    ids = await chain(db, 6)
    full = await lineage.trace(db, ids[-1])
    slim = await lineage.trace(db, ids[-1], full=False, paths=False)
    assert [(i.id, i.distance, i.label) for i in slim.items] == [
        (i.id, i.distance, i.label) for i in full.items
    ]
    assert slim.edges == full.edges and slim.truncated == full.truncated
    assert all(i.path == [] for i in slim.items) and all(i.path for i in full.items)
    slim_keys = {"id", "kind", "name", "state", "createdAt", "parentId"}
    assert all(set(i.props) <= slim_keys for i in slim.items)
    assert any("type" in i.props for i in full.items)  # executions carry their type in full
    assert slim.root.props == full.root.props  # the root always has every property


async def test_over_the_node_cap_counts_are_still_complete(
    client: httpx.AsyncClient, db: Database
) -> None:
    dv, _ = await fan_out(db, 30)
    text = """query($ref: String!, $first: Int!) {
      impact(ref: $ref, first: $first) { truncated nodes { id kind } counts { kind count } }
    }"""
    for first, cut in ((5, True), (100, False)):
        body = await gql(client, text, {"ref": dv, "first": first})
        impact = body["data"]["impact"]  # type: ignore[index]
        assert impact["truncated"] is cut and len(impact["nodes"]) == min(first, 60)
        assert {c["kind"]: c["count"] for c in impact["counts"]} == {
            "Execution": 30,
            "ModelVersion": 30,
        }
    only = await gql(
        client, "query($r: String!) { impact(ref: $r) { counts { kind count } } }", {"r": dv}
    )
    assert only["data"]["impact"]["counts"] == impact["counts"]  # type: ignore[index]


async def test_slim_selection_over_http_answers_like_a_full_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    ids = await chain(db, 4)
    slim = "nodes { id kind label distance state createdAt }"
    full = slim.replace("}", "path executionType uri }")
    answers = []
    for fields in (slim, full):
        text = "query($r: String!) { lineage(ref: $r, direction: BOTH, maxDepth: 5) { %s } }"
        body = await gql(client, text % fields, {"r": ids[4]})
        answers.append(body["data"]["lineage"]["nodes"])  # type: ignore[index]
    keys = ("id", "kind", "label", "distance", "state", "createdAt")
    assert [{k: n[k] for k in keys} for n in answers[0]] == [
        {k: n[k] for k in keys} for n in answers[1]
    ]
    assert {n["executionType"] for n in answers[1] if n["kind"] == "Execution"} == {"PREPROCESSING"}
    assert all(n["path"][0] == ids[4] for n in answers[1])
    # fields inside named and inline fragments count as asked for
    text = """query($r: String!) {
      lineage(ref: $r, direction: BOTH, maxDepth: 5) { ... on LineageGraph { nodes { ...N } } }
    }
    fragment N on LineageNode { id path executionType }"""
    body = await gql(client, text, {"r": ids[4]})
    nodes = body["data"]["lineage"]["nodes"]  # type: ignore[index]
    assert [(n["id"], n["path"], n["executionType"]) for n in nodes] == [
        (n["id"], n["path"], n["executionType"]) for n in answers[1]
    ]


async def test_warm_up_plans_every_traversal_file(db: Database) -> None:
    planned = await lineage.warm_up(db)
    assert planned == 1 + 3 * len(BOUNDS) + len(BOUNDS)  # resolve, walks, counts
    assert await lineage.warm_up(db, bounds=(50,)) == 1 + 3 + 1
