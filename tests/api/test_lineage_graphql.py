"""Lineage over HTTP GraphQL on the live app: trace, impact, lineage, diff, gaps, logExecution."""

from __future__ import annotations

from typing import Any

import httpx

from modelgraph.store import admin
from modelgraph.store.db import Database
from tests.conftest import gql
from tests.lineage_factories import DAY, T0, demo_graph

TRACE = """
query Trace($ref: String!, $asOf: Timestamp) {
  trace(ref: $ref, asOf: $asOf) {
    truncated
    root { id kind name }
    served { since until version { label } }
    nodes {
      kind label distance path
      executionType
      hyperparameters { key type floatValue intValue stringValue }
      metrics { key value }
      environment { key value }
      rows bytes featureNames
    }
    edges { source target type role }
  }
}
"""

IMPACT = """
query Impact($ref: String!, $liveOnly: Boolean!) {
  impact(ref: $ref, liveOnly: $liveOnly) {
    truncated
    deployments: nodes(kinds: [Deployment]) { name distance }
    counts { kind count }
  }
}
"""


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_trace_over_http(client: httpx.AsyncClient, db: Database) -> None:
    await demo_graph(db)
    trace = _data(await gql(client, TRACE, {"ref": "churn-prod"}))["trace"]
    assert trace["root"]["kind"] == "Deployment" and not trace["truncated"]
    assert [s["version"]["label"] for s in trace["served"]] == ["customer-churn-prediction:v2"]
    labels = {n["label"]: n for n in trace["nodes"]}
    assert labels["customer-transactions:v2"]["distance"] == 5
    assert labels["churn-features:v2"]["rows"] == 990_000
    train = labels["train-churn-2"]
    assert train["executionType"] == "TRAINING"
    hp = {h["key"]: h for h in train["hyperparameters"]}
    assert hp["learning_rate"]["type"] == "FLOAT" and hp["learning_rate"]["floatValue"] == 0.05
    assert hp["max_depth"]["intValue"] == 8
    assert {"key": "accuracy", "value": 0.94} in train["metrics"]
    assert {"key": "hardware", "value": "gpu-a10"} in train["environment"]
    then = _data(await gql(client, TRACE, {"ref": "churn-prod", "asOf": T0 + 15 * DAY}))["trace"]
    assert [s["version"]["label"] for s in then["served"]] == ["customer-churn-prediction:v1"]


async def test_impact_over_http_with_counts(client: httpx.AsyncClient, db: Database) -> None:
    await demo_graph(db)
    body = await gql(client, IMPACT, {"ref": "customer-transactions", "liveOnly": False})
    impact = _data(body)["impact"]
    assert {d["name"] for d in impact["deployments"]} == {"churn-prod", "fraud-staging"}
    counts = {c["kind"]: c["count"] for c in impact["counts"]}
    assert counts["Deployment"] == 2 and counts["ModelVersion"] == 3
    live = _data(await gql(client, IMPACT, {"ref": "customer-transactions:v1", "liveOnly": True}))
    assert live["impact"]["deployments"] == []


async def test_unknown_ref_and_bad_bounds_are_client_errors(
    client: httpx.AsyncClient, db: Database
) -> None:
    body = await gql(client, TRACE, {"ref": "nope"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    body = await gql(client, '{ lineage(ref: "x", maxDepth: 99) { truncated } }')
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # type: ignore[index]


async def test_lineage_diff_and_gaps_over_http(client: httpx.AsyncClient, db: Database) -> None:
    await demo_graph(db)
    q = """{
      lineage(ref: "churn-features:v2", direction: BOTH, maxDepth: 3,
              nodeTypes: [ModelVersion, DatasetVersion], stopAt: [ModelVersion]) {
        truncated nodes { label distance } edges { type }
      }
      diff(versionA: "customer-churn-prediction:v1", versionB: "customer-churn-prediction:v2") {
        datasetVersions { added removed }
        hyperparameters { key change a { type floatValue } b { type floatValue } }
      }
      lineageGaps { truncated productionWithoutApproval { modelName version { name } } }
    }"""
    data = _data(await gql(client, q))
    labels = {n["label"]: n["distance"] for n in data["lineage"]["nodes"]}
    assert labels == {"customer-transactions:v2": 2, "customer-churn-prediction:v2": 2}
    lr = next(h for h in data["diff"]["hyperparameters"] if h["key"] == "learning_rate")
    assert lr == {
        "key": "learning_rate",
        "change": "CHANGED",
        "a": {"type": "FLOAT", "floatValue": 0.1},
        "b": {"type": "FLOAT", "floatValue": 0.05},
    }
    assert data["diff"]["datasetVersions"]["added"] == [
        "churn-features:v2",
        "customer-transactions:v2",
    ]
    assert data["lineageGaps"]["productionWithoutApproval"] == []


LOG = """
mutation Log($input: LogExecutionInput!) {
  logExecution(input: $input) {
    created inputIds outputIds
    execution {
      id name type status externalId
      hyperparameters { key floatValue }
      metrics { key value }
      metricHistory(key: "loss") { step value }
    }
    outputs { __typename id name }
  }
}
"""


async def test_log_execution_records_lineage_idempotently(
    client: httpx.AsyncClient, db: Database
) -> None:
    g = await demo_graph(db)
    run = {
        "name": "retrain-churn-3",
        "externalId": "ci-run-42",
        "type": "TRAINING",
        "hyperparameters": [{"key": "learning_rate", "type": "FLOAT", "floatValue": 0.03}],
        "metrics": [
            {"key": "accuracy", "value": 0.95},
            {"key": "loss", "value": 0.9, "step": 1},
            {"key": "loss", "value": 0.2, "step": 3},
            {"key": "loss", "value": 0.4, "step": 2},
        ],
        "environment": [{"key": "hardware", "value": "gpu-h100"}],
        "libraries": ["xgboost==2.1.0"],
        "inputs": [
            {"id": g["cf:v2"], "role": "train"},
            {"id": g["v2"], "role": "base_model"},
        ],
        "outputs": [
            {"id": g["fraud:v1"]},
            {"newDatasetVersion": {"dataset": "churn-features", "version": "v3", "rows": 5}},
        ],
    }
    first = _data(await gql(client, LOG, {"input": run}))["logExecution"]
    assert first["created"] is True
    assert first["execution"]["type"] == "TRAINING"
    assert first["execution"]["metrics"] == [
        {"key": "accuracy", "value": 0.95},
        {"key": "loss", "value": 0.2},
    ]
    assert [p["step"] for p in first["execution"]["metricHistory"]] == [1, 2, 3]
    assert {o["__typename"] for o in first["outputs"]} == {"ModelVersion", "DatasetVersion"}
    nodes_after_first = await admin.count_nodes(db)
    again = _data(await gql(client, LOG, {"input": run}))["logExecution"]
    assert again["created"] is False
    assert again["execution"]["id"] == first["execution"]["id"]
    assert sorted(again["outputIds"]) == sorted(first["outputIds"])
    assert await admin.count_nodes(db) == nodes_after_first
    # the new run is part of the lineage: churn-features:v3 traces back to raw data
    trace = _data(await gql(client, TRACE, {"ref": "churn-features:v3"}))["trace"]
    labels = {n["label"] for n in trace["nodes"]}
    assert {"retrain-churn-3", "customer-churn-prediction:v2", "customer-transactions:v2"} <= labels
    roles = {e["role"] for e in trace["edges"] if e["type"] == "CONSUMED_BY"}
    assert "base_model" in roles


async def test_log_execution_with_unknown_ref_writes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    g = await demo_graph(db)
    before = await admin.count_nodes(db)
    bad_input = {
        "name": "r",
        "inputs": [{"id": g["ct:v1"]}, {"id": "missing-id"}],
        "outputs": [{"newDatasetVersion": {"dataset": "churn-features", "version": "v9"}}],
    }
    body = await gql(client, LOG, {"input": bad_input})
    err = body["errors"][0]  # type: ignore[index]
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "inputs[1].id"}
    bad_dataset = {
        "name": "r",
        "outputs": [{"newDatasetVersion": {"dataset": "no-such-dataset", "version": "v1"}}],
    }
    body = await gql(client, LOG, {"input": bad_dataset})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    wrong_kind = {"name": "r", "inputs": [{"id": g["churn-prod"]}]}
    body = await gql(client, LOG, {"input": wrong_kind})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # type: ignore[index]
    taken = {
        "name": "r",
        "outputs": [{"newDatasetVersion": {"dataset": "churn-features", "version": "v1"}}],
    }
    body = await gql(client, LOG, {"input": taken})
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"  # type: ignore[index]
    assert await admin.count_nodes(db) == before


async def test_unknown_impact_ref_is_one_error(client: httpx.AsyncClient, db: Database) -> None:
    body = await gql(client, IMPACT, {"ref": "no-such-dataset", "liveOnly": False})
    assert body["data"] is None
    errors: Any = body["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    assert errors[0]["path"] == ["impact"]
