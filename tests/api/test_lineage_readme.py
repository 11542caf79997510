"""The README's lineage examples run as written, over HTTP, on the demo graph: they cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import gql

README = Path(__file__).resolve().parents[2] / "README.md"


def lineage_operations() -> dict[str, str]:
    """The GraphQL operations of the README section "Lineage: trace and impact", by name."""
    text = README.read_text()
    section = text.split("## Lineage: trace and impact", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```graphql\n(.*?)```", section, flags=re.S)
    named = (re.match(r"query (\w+)", block.strip()) for block in blocks)
    return {m.group(1): m.string for m in named if m}


async def _ok(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    body = await gql(client, query, user="alice")
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    return data


async def test_readme_lineage_examples_answer_on_the_demo_graph(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await demo.load(db, settings)
    ops = lineage_operations()
    assert sorted(ops) == ["Diff", "Impact", "Trace", "Walk"]

    trace = (await _ok(client, ops["Trace"]))["trace"]
    assert [s["version"]["label"] for s in trace["served"]] == ["customer-churn-prediction:v2"]
    labels = {n["label"] for n in trace["nodes"]}
    assert {"customer-transactions:v2", "churn-features:v2"} <= labels
    hyper = {h["key"]: h for n in trace["nodes"] for h in n["hyperparameters"]}
    assert hyper["learning_rate"]["floatValue"] == 0.1 and hyper["max_depth"]["intValue"] == 6
    assert not trace["truncated"]

    # "add `asOf: <epoch ms>` to ask what it served at that time"
    since = trace["served"][0]["since"]
    as_of = ops["Trace"].replace('(ref: "churn-prod")', f'(ref: "churn-prod", asOf: {since - 1})')
    before = (await _ok(client, as_of))["trace"]
    assert [s["version"]["label"] for s in before["served"]] == ["customer-churn-prediction:v1"]

    impact = (await _ok(client, ops["Impact"]))["impact"]
    assert {d["name"] for d in impact["deployments"]} == {"churn-prod", "fraud-staging"}
    assert all(d["path"][0] == impact["deployments"][0]["path"][0] for d in impact["deployments"])
    counts = {c["kind"]: c["count"] for c in impact["counts"]}
    assert counts["Deployment"] == 2 and counts["ModelVersion"] == len(impact["models"])
    assert not impact["truncated"]

    diff = (await _ok(client, ops["Diff"]))["diff"]
    assert diff["datasetVersions"]["added"] == ["churn-features:v2", "customer-transactions:v2"]
    assert diff["hyperparameters"] == []  # the demo trains v1 and v2 with the same values
    accuracy = next(m for m in diff["metrics"] if m["key"] == "accuracy")
    assert accuracy == {"key": "accuracy", "change": "CHANGED", "a": 0.89, "b": 0.93}

    walk = (await _ok(client, ops["Walk"]))["deployment"]["servedVersion"]
    assert walk["name"] == "v2"
    assert "learning_rate" in {h["key"] for h in walk["trainedBy"]["hyperparameters"]}
    assert {d["dataset"]["name"] for d in walk["consumedDatasets"]} == {"churn-features"}
