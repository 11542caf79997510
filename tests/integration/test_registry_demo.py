"""The demo graph loads through GraphQL, answers the README questions, and is idempotent."""

from __future__ import annotations

from modelgraph import demo
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store import admin
from modelgraph.store.db import Database

READ = """{
  customerChurn: registeredModel(name: "customer-churn-prediction") {
    framework modelType aliases { alias version { name } }
    versions { name stage stageHistory { toStage } metrics { key value }
               currentDeployments { name servingEnvironment { name } }
               deploymentHistory { deployment { name } until } } }
  fraud: registeredModel(name: "fraud-detector") {
    versions { name stage currentDeployments { name } } }
  raw: dataset(name: "customer-transactions") { versions { name rows } }
  features: dataset(name: "churn-features") { versions { name features { name } } }
  runs: executions(first: 100) { totalCount nodes { type externalId } }
}"""


async def _read(db: Database, settings: Settings) -> dict[str, object]:
    result = await schema.execute(READ, context_value=Context(db=db, settings=settings))
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data


async def test_demo_graph_is_complete_and_idempotent(db: Database, settings: Settings) -> None:
    first = await demo.load(db, settings)
    assert first.endswith("fraud-detector v1 (fraud-staging)")
    data = await _read(db, settings)
    churn = data["customerChurn"]
    assert churn["framework"] == "xgboost" and churn["modelType"] == "classification"  # type: ignore[index]
    v1, v2 = churn["versions"]  # type: ignore[index]
    assert (v1["name"], v2["name"]) == ("v1", "v2")
    assert (v1["stage"], v2["stage"]) == ("ARCHIVED", "PRODUCTION")
    assert v2["currentDeployments"] == [
        {"name": "churn-prod", "servingEnvironment": {"name": "prod-openshift"}}
    ]
    assert v1["currentDeployments"] == []
    assert v1["deploymentHistory"][0]["deployment"]["name"] == "churn-prod"
    assert v1["deploymentHistory"][0]["until"] is not None
    assert {m["key"]: m["value"] for m in v2["metrics"]}["accuracy"] == 0.93
    assert churn["aliases"] == [{"alias": "champion", "version": {"name": "v2"}}]  # type: ignore[index]
    fraud = data["fraud"]["versions"]  # type: ignore[index]
    assert fraud == [
        {"name": "v1", "stage": "STAGING", "currentDeployments": [{"name": "fraud-staging"}]}
    ]
    assert [v["name"] for v in data["raw"]["versions"]] == ["v1", "v2"]  # type: ignore[index]
    runs = data["runs"]
    kinds = sorted(r["type"] for r in runs["nodes"])  # type: ignore[index]
    # Two preprocessing runs logged through GraphQL, two OpenLineage DAG runs and their tasks.
    assert kinds == ["PREPROCESSING"] * 6 + ["TRAINING"] * 3

    before = await admin.count_nodes(db)
    second = await demo.load(db, settings)
    assert second == "already present, nothing changed"
    assert await _read(db, settings) == data
    assert await admin.count_nodes(db) == before
