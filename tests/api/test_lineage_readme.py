"""The README's lineage examples run as written on the real demo graph (`modelgraph demo`)."""

from __future__ import annotations

from typing import Any

from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store.db import Database

README_TRACE = """
query Trace {
  trace(ref: "churn-prod") {
    served { since version { label stage } }
    nodes {
      kind label distance
      executionType
      hyperparameters { key floatValue intValue stringValue }
      metrics { key value }
      environment { key value }
      rows bytes featureNames
    }
    truncated
  }
}
"""

README_IMPACT = """
query Impact {
  impact(ref: "customer-transactions", liveOnly: true) {
    counts { kind count }
    deployments: nodes(kinds: [Deployment]) { name distance path }
    models: nodes(kinds: [ModelVersion]) { label stage distance }
    truncated
  }
}
"""

README_WALK = """
query Walk {
  deployment(servingEnvironmentName: "prod-openshift", name: "churn-prod") {
    servedVersion {
      name
      trainedBy { name hyperparameters { key floatValue intValue } }
      consumedDatasets { name dataset { name } }
    }
  }
}
"""


async def _run(db: Database, settings: Settings, query: str) -> dict[str, Any]:
    result = await schema.execute(query, context_value=Context(db=db, settings=settings))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def test_readme_examples_answer_on_the_demo_graph(db: Database, settings: Settings) -> None:
    from modelgraph import demo

    await demo.load(db, settings)
    trace = (await _run(db, settings, README_TRACE))["trace"]
    assert [s["version"]["label"] for s in trace["served"]] == ["customer-churn-prediction:v2"]
    labels = {n["label"] for n in trace["nodes"]}
    assert any(label.startswith("customer-transactions:") for label in labels)
    assert any(label.startswith("churn-features:") for label in labels)
    keys = {h["key"] for n in trace["nodes"] for h in n["hyperparameters"]}
    assert "learning_rate" in keys
    since = trace["served"][0]["since"]
    before = await _run(
        db, settings, README_TRACE.replace('"churn-prod"', f'"churn-prod", asOf: {since - 1}')
    )
    assert [s["version"]["label"] for s in before["trace"]["served"]] == [
        "customer-churn-prediction:v1"
    ]
    impact = (await _run(db, settings, README_IMPACT))["impact"]
    assert {d["name"] for d in impact["deployments"]} == {"churn-prod", "fraud-staging"}
    walk = (await _run(db, settings, README_WALK))["deployment"]["servedVersion"]
    assert walk["name"] == "v2"
    assert "learning_rate" in {h["key"] for h in walk["trainedBy"]["hyperparameters"]}
    assert {d["dataset"]["name"] for d in walk["consumedDatasets"]} == {"churn-features"}
