"""Lineage questions against a real Neo4j: trace, impact, the subgraph, asOf, diff and gaps."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import Label, ValueType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import lineage
from modelgraph.store.bulk import Edge, GraphBatch
from modelgraph.store.db import Database
from modelgraph.store.lineage import Direction
from tests.lineage_factories import DAY, T0, chain, demo_graph, diamond, fan_out


def _labels(graph: lineage.LineageGraph) -> set[str]:
    return {i.label for i in graph.items}


async def test_trace_deployment_reaches_raw_data_through_features(db: Database) -> None:
    g = await demo_graph(db)
    trace = await lineage.trace(db, "churn-prod")
    assert trace.root.id == g["churn-prod"]
    served = trace.served()
    assert [v.label for v, _ in served] == ["customer-churn-prediction:v2"]
    by_id = {i.id: i for i in trace.items}
    raw = by_id[g["ct:v2"]]
    assert raw.label == "customer-transactions:v2"
    assert raw.distance == 5
    # one shortest path: deployment <- version <- train <- features <- preprocess <- raw
    assert raw.path == [g["churn-prod"], g["v2"], g["train2"], g["cf:v2"], g["prep2"], g["ct:v2"]]
    assert by_id[g["cf:v2"]].label == "churn-features:v2"
    train = by_id[g["train2"]]
    assert train.props["hp.learning_rate"] == 0.05
    assert train.props["m.accuracy"] == 0.94
    assert by_id[g["ct:v2"]].props["rows"] == 1_200_000
    # v1 and its lineage are history, not what serves now
    assert g["v1"] not in by_id and g["ct:v1"] not in by_id
    assert not trace.truncated
    kinds = {(e.source, e.target, e.type) for e in trace.edges}
    assert (g["v2"], g["churn-prod"], "DEPLOYED_AS") in kinds
    assert (g["cf:v2"], g["train2"], "CONSUMED_BY") in kinds


async def test_trace_as_of_before_v2_answers_v1(db: Database) -> None:
    g = await demo_graph(db)
    last_week = T0 + 15 * DAY
    trace = await lineage.trace(db, "churn-prod", as_of=last_week)
    assert [v.id for v, _ in trace.served()] == [g["v1"]]
    assert g["ct:v1"] in {i.id for i in trace.items}
    assert g["v2"] not in {i.id for i in trace.items}
    # before the deployment existed, nothing served it
    before = await lineage.trace(db, "churn-prod", as_of=T0 + 19 * DAY // 2)
    assert before.served() == []
    # the alias history answers the same question by model@alias
    at_alias = await lineage.resolve(db, "customer-churn-prediction@champion", as_of=last_week)
    now_alias = await lineage.resolve(db, "customer-churn-prediction@champion")
    assert (at_alias.id, now_alias.id) == (g["v1"], g["v2"])


async def test_ref_grammar(db: Database) -> None:
    g = await demo_graph(db)
    assert (await lineage.resolve(db, g["train1"])).id == g["train1"]
    assert (await lineage.resolve(db, "customer-churn-prediction:v1")).id == g["v1"]
    assert (await lineage.resolve(db, "churn-features:v2")).id == g["cf:v2"]
    assert (await lineage.resolve(db, "prod-openshift/churn-prod")).id == g["churn-prod"]
    assert (await lineage.resolve(db, "customer-transactions")).kind == "Dataset"
    with pytest.raises(NotFound):
        await lineage.resolve(db, "no-such-thing")
    with pytest.raises(NotFound):
        await lineage.trace(db, "customer-churn-prediction:v9")
    with pytest.raises(Invalid):
        await lineage.resolve(db, "")


async def test_ambiguous_name_asks_for_an_id(db: Database) -> None:
    g = GraphBatch()
    a = g.node(Label.SERVING_ENVIRONMENT, "env-a")
    b = g.node(Label.SERVING_ENVIRONMENT, "env-b")
    g.node(Label.DEPLOYMENT, "twin", a)
    g.node(Label.DEPLOYMENT, "twin", b)
    await g.load(db)
    with pytest.raises(Invalid, match="ambiguous"):
        await lineage.resolve(db, "twin")
    assert (await lineage.resolve(db, "env-b/twin")).kind == "Deployment"


async def test_impact_of_raw_dataset_lists_both_deployments(db: Database) -> None:
    g = await demo_graph(db)
    impact = await lineage.impact(db, "customer-transactions")
    names = {i.name for i in impact.of_kind(Label.DEPLOYMENT)}
    assert names == {"churn-prod", "fraud-staging"}
    ids = {i.id for i in impact.items}
    assert {g["v1"], g["v2"], g["fraud:v1"], g["cf:v1"], g["train-fraud"]} <= ids
    assert {i.distance for i in impact.items if i.id in (g["ct:v1"], g["ct:v2"])} == {1}
    counts = await lineage.impact_counts(db, "customer-transactions")
    assert counts.counts == {
        "DatasetVersion": 4,
        "Deployment": 2,
        "Execution": 5,
        "ModelVersion": 3,
    }


async def test_impact_live_only_and_as_of(db: Database) -> None:
    g = await demo_graph(db)
    # v1 no longer serves; with history, churn-prod is reached from ct:v1 through v1
    history = await lineage.impact(db, "customer-transactions:v1")
    assert "churn-prod" in {i.name for i in history.of_kind(Label.DEPLOYMENT)}
    live = await lineage.impact(db, "customer-transactions:v1", live_only=True)
    assert live.of_kind(Label.DEPLOYMENT) == []
    assert g["v1"] in {i.id for i in live.items}  # a LIVE version, just not serving
    then = await lineage.impact(db, "customer-transactions:v1", as_of=T0 + 15 * DAY)
    assert "churn-prod" in {i.name for i in then.of_kind(Label.DEPLOYMENT)}
    early = await lineage.impact(db, "customer-transactions", as_of=T0 + 5 * DAY)
    assert {i.id for i in early.items} == {g["ct:v1"], g["prep1"], g["cf:v1"], g["train1"], g["v1"]}
    live_counts = await lineage.impact_counts(db, "customer-transactions", live_only=True)
    assert live_counts.counts["Deployment"] == 2


async def test_diamond_and_cycle_give_distinct_nodes_with_shortest_distance(db: Database) -> None:
    ids = await diamond(db)
    up = await lineage.trace(db, ids["mv"])
    seen = [i.id for i in up.items]
    assert len(seen) == len(set(seen))
    dist = {i.id: i.distance for i in up.items}
    assert dist[ids["train"]] == 1 and dist[ids["features"]] == 2 and dist[ids["join"]] == 3
    assert dist[ids["mid-a"]] == 4 and dist[ids["mid-b"]] == 4 and dist[ids["raw"]] == 6
    # the cycle: features-v2 feeds join, and itself comes from the model under trace
    assert dist[ids["features2"]] == 4
    assert ids["mv"] not in dist
    # every edge among returned nodes is drawn, both diamond arms included
    edges = {(e.source, e.target) for e in up.edges}
    assert {(ids["mid-a"], ids["join"]), (ids["mid-b"], ids["join"])} <= edges
    down = await lineage.impact(db, ids["raw"])
    assert len({i.id for i in down.items}) == len(down.items)
    assert {i.distance for i in down.items if i.id == ids["mv"]} == {6}


async def test_deep_chain_of_20_hops_and_the_depth_cap(db: Database) -> None:
    ids = await chain(db, 20)  # 41 nodes, 40 edges
    up = await lineage.trace(db, ids[-1])
    assert len(up.items) == 40
    assert max(i.distance for i in up.items) == 40
    assert up.items[-1].id == ids[0] and up.items[-1].path == list(reversed(ids))
    assert not up.truncated
    capped = await lineage.lineage(db, ids[-1], Direction.UPSTREAM, max_depth=10)
    assert len(capped.items) == 10 and capped.truncated
    exact = await lineage.lineage(db, ids[10], Direction.UPSTREAM, max_depth=10)
    assert len(exact.items) == 10 and not exact.truncated
    longer = await chain(db, 30, "long")  # 60 hops: beyond the hard cap of 50
    far = await lineage.trace(db, longer[-1])
    assert max(i.distance for i in far.items) == 50 and far.truncated
    with pytest.raises(Invalid):
        await lineage.lineage(db, ids[-1], Direction.UPSTREAM, max_depth=51)


async def test_wide_fan_out_of_1000_consumers_and_the_node_cap(db: Database) -> None:
    dv, versions = await fan_out(db, 1_000)
    impact = await lineage.impact(db, dv, limit=5_000)
    assert len(impact.of_kind(Label.MODEL_VERSION)) == 1_000
    assert len(impact.of_kind(Label.EXECUTION)) == 1_000
    assert not impact.truncated
    assert len(impact.edges) == 2_000
    capped = await lineage.impact(db, dv, limit=100)
    assert len(capped.items) == 100 and capped.truncated
    assert {i.distance for i in capped.items} == {1}  # nearest first
    counts = await lineage.impact_counts(db, dv)
    assert counts.counts == {"Execution": 1_000, "ModelVersion": 1_000}
    one = await lineage.trace(db, versions[500])
    assert [i.distance for i in one.items] == [1, 2]


async def test_lineage_both_directions_node_types_and_stop_at(db: Database) -> None:
    g = await demo_graph(db)
    both = await lineage.lineage(db, "churn-features:v2", Direction.BOTH, max_depth=10)
    ids = {i.id for i in both.items}
    assert {g["ct:v2"], g["prep2"], g["train2"], g["v2"], g["churn-prod"]} <= ids
    # siblings reached neither strictly up nor strictly down are not part of it
    assert g["train-fraud"] not in ids
    only_versions = await lineage.lineage(
        db, "churn-prod", Direction.UPSTREAM, max_depth=10, node_types=[Label.DATASET_VERSION]
    )
    assert {i.id for i in only_versions.items} == {g["cf:v2"], g["ct:v2"]}
    stopped = await lineage.lineage(
        db, "churn-prod", Direction.UPSTREAM, max_depth=10, stop_kinds=[Label.DATASET_VERSION]
    )
    assert g["cf:v2"] in {i.id for i in stopped.items}
    assert g["prep2"] not in {i.id for i in stopped.items}
    by_id = await lineage.lineage(
        db, "churn-prod", Direction.UPSTREAM, max_depth=10, stop_ids=[g["train2"]]
    )
    assert {i.id for i in by_id.items} == {g["v2"], g["train2"]}
    shallow = await lineage.lineage(db, "churn-prod", Direction.UPSTREAM, max_depth=2)
    assert {i.id for i in shallow.items} == {g["v2"], g["train2"]} and shallow.truncated


async def test_diff_of_two_versions(db: Database) -> None:
    await demo_graph(db)
    d = await lineage.diff(
        db, "customer-churn-prediction:v1", "customer-churn-prediction:v2", actor=SYSTEM
    )
    assert d.datasets.common == ["churn-features", "customer-transactions"]
    assert d.dataset_versions.added == ["churn-features:v2", "customer-transactions:v2"]
    assert d.dataset_versions.removed == ["churn-features:v1", "customer-transactions:v1"]
    hp = {c.key: (c.change, c.a, c.b) for c in d.hyperparameters}
    assert hp == {
        "learning_rate": ("CHANGED", (ValueType.FLOAT, 0.1), (ValueType.FLOAT, 0.05)),
        "max_depth": ("CHANGED", (ValueType.INT, 6), (ValueType.INT, 8)),
    }
    assert {c.key: c.b for c in d.environment} == {"hardware": "gpu-a10"}
    assert {c.key for c in d.metrics} == {"accuracy", "f1", "log_loss"}
    assert d.libraries.added == [] and d.libraries.removed == []
    with pytest.raises(Invalid):
        await lineage.diff(db, "churn-prod", "customer-churn-prediction:v2", actor=SYSTEM)


async def test_gap_questions(db: Database) -> None:
    g = await demo_graph(db)
    batch = GraphBatch()
    rm = batch.node(Label.REGISTERED_MODEL, "shadow-model")
    untrained = batch.node(Label.MODEL_VERSION, "v1", rm, stage="PRODUCTION")
    env = batch.node(Label.SERVING_ENVIRONMENT, "edge")
    dep = batch.node(Label.DEPLOYMENT, "shadow", env)
    batch.deployed(untrained, dep, since=T0)
    await batch.load(db)
    gaps = await lineage.gaps(db)
    assert [i.version["id"] for i in gaps.deployed_without_training_data] == [untrained]
    assert gaps.deployed_without_training_data[0].model_name == "shadow-model"
    assert gaps.deployed_without_training_data[0].deployments[0]["name"] == "shadow"
    # demo v2 is PRODUCTION with an approval; the shadow version has none
    assert [i.version["id"] for i in gaps.production_without_approval] == [untrained]
    assert g["v2"] not in {i.version["id"] for i in gaps.production_without_approval}
    assert not gaps.truncated


async def test_labels_name_the_parent_by_parent_id(db: Database) -> None:
    g = await demo_graph(db)
    # Kubeflow attaches dataset artifacts to versions with HAS_ARTIFACT: a second "parent" edge.
    batch = GraphBatch()
    batch.edge(Edge.HAS_ARTIFACT, g["v2"], g["cf:v2"])
    batch.edge(Edge.HAS_ARTIFACT, g["v2"], g["ct:v2"])
    await batch.load(db)
    trace = await lineage.trace(db, "churn-prod")
    labels = {i.id: i.label for i in trace.items}
    assert labels[g["cf:v2"]] == "churn-features:v2"
    assert labels[g["ct:v2"]] == "customer-transactions:v2"
