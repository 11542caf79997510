"""Nested lineage fields on the registry types: right answers, one query per level (no N+1)."""

from __future__ import annotations

from typing import Any

from modelgraph.domain.graph import Label
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store.bulk import GraphBatch
from modelgraph.store.db import Database
from tests.lineage_factories import DAY, T0, demo_graph

WALK = """
query Walk($name: String!) {
  dataset(name: $name) {
    consumers { id }
    versions(first: 5) {
      consumers(first: 20) {
        name
        outputs(first: 5) {
          __typename
          ... on ModelVersion {
            trainedBy { name }
            producedBy(first: 5) { inputs(first: 5) { role entity { id kind } } }
            consumedDatasets(first: 5) { name }
            consumers(first: 5) { name }
          }
        }
      }
    }
  }
}
"""


async def _execute(
    db: Database, settings: Settings, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    result = await schema.execute(
        query, variable_values=variables, context_value=Context(db=db, settings=settings)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def _wide(db: Database, runs: int) -> None:
    """`shared` v1..v3, each consumed by `runs` training runs producing one version each."""
    g = GraphBatch()
    ds = g.node(Label.DATASET, "shared")
    rm = g.node(Label.REGISTERED_MODEL, "wide")
    for v in range(3):
        dv = g.node(Label.DATASET_VERSION, f"v{v}", ds)
        for r in range(runs):
            run = g.node(Label.EXECUTION, f"train-{v}-{r}", type="TRAINING")
            g.consumed(dv, run, "train")
            mv = g.node(Label.MODEL_VERSION, f"m{v}-{r}", rm)
            g.produced(run, mv)
    await g.load(db)


async def test_nested_lineage_costs_one_query_per_level(db: Database, settings: Settings) -> None:
    await _wide(db, runs=20)
    db.round_trips.count = 0
    db.round_trips.names.clear()
    data = await _execute(db, settings, WALK, {"name": "shared"})
    versions = data["dataset"]["versions"]
    assert len(versions) == 3 and len(data["dataset"]["consumers"]) == 60
    outputs = [o for v in versions for run in v["consumers"] for o in run["outputs"]]
    assert len(outputs) == 60 and {o["__typename"] for o in outputs} == {"ModelVersion"}
    first = outputs[0]
    assert first["trainedBy"]["name"].startswith("train-")
    assert first["producedBy"][0]["inputs"][0]["role"] == "train"
    assert first["producedBy"][0]["inputs"][0]["entity"]["kind"] == "DatasetVersion"
    assert first["consumedDatasets"][0]["name"].startswith("v")
    names = db.round_trips.names
    # dataset, its versions, then one query per lineage level however many items each has
    lineage_queries = [n for n in names if n.startswith("lineage/")]
    assert sorted(lineage_queries) == [
        "lineage/links_consumed_datasets",
        "lineage/links_consumers",  # versions' consumers and model versions' consumers: 2 levels
        "lineage/links_consumers",
        "lineage/links_dataset_consumers",
        "lineage/links_inputs",
        "lineage/links_outputs",
        "lineage/links_producers",  # trainedBy and producedBy share one loader
    ]
    # plus the registry's own reads (dataset by name, its versions): nothing grows with width
    assert db.round_trips.count <= len(lineage_queries) + 3, names


async def test_deployment_served_version_as_of_and_execution_links(
    db: Database, settings: Settings
) -> None:
    await demo_graph(db)
    query = """
    query Served($env: String!, $asOf: Timestamp) {
      servingEnvironment(name: $env) {
        deployments {
          name
          now: servedVersion { name trainedBy { name hyperparameters { key floatValue } } }
          then: servedVersion(asOf: $asOf) { name }
        }
      }
    }
    """
    data = await _execute(db, settings, query, {"env": "prod-openshift", "asOf": T0 + 15 * DAY})
    [dep] = data["servingEnvironment"]["deployments"]
    assert dep["name"] == "churn-prod"
    assert dep["now"]["name"] == "v2" and dep["then"]["name"] == "v1"
    hp = {h["key"]: h["floatValue"] for h in dep["now"]["trainedBy"]["hyperparameters"]}
    assert hp["learning_rate"] == 0.05
    before = await _execute(db, settings, query, {"env": "prod-openshift", "asOf": T0})
    assert before["servingEnvironment"]["deployments"][0]["then"] is None
