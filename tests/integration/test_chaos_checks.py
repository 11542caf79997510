"""The chaos campaign's checks find lost and half-written writes (and nothing on a whole graph)."""

from __future__ import annotations

from bench.chaos import (
    DEPLOYMENT_PREFIX,
    REGISTER_PREFIX,
    RUN_PREFIX,
    Ledger,
    half_written,
    lost_writes,
)

from modelgraph.domain.graph import Label
from modelgraph.store.bulk import Edge, GraphBatch
from modelgraph.store.db import Database


def _whole(batch: GraphBatch) -> dict[str, str]:
    """One of each multi-node write, complete."""
    ds = batch.node(Label.DATASET, "d")
    dv = batch.node(Label.DATASET_VERSION, "v1", parent=ds)
    model = batch.node(Label.REGISTERED_MODEL, f"{REGISTER_PREFIX}1")
    version = batch.node(Label.MODEL_VERSION, "v1", parent=model)
    artifact = batch.node(Label.MODEL_ARTIFACT, "a", parent=version)
    run = batch.node(Label.EXECUTION, f"{RUN_PREFIX}1")
    batch.consumed(dv, run)
    batch.produced(run, version)
    env = batch.node(Label.SERVING_ENVIRONMENT, "env")
    deployment = batch.node(Label.DEPLOYMENT, f"{DEPLOYMENT_PREFIX}1", parent=env)
    batch.deployed(version, deployment, since=1)
    return {"model": model, "version": version, "artifact": artifact, "run": run, "dv": dv}


async def test_a_whole_graph_has_no_problems(db: Database) -> None:
    batch = GraphBatch()
    ids = _whole(batch)
    await batch.load(db)
    assert set((await half_written(db)).values()) == {0}
    ledger = Ledger(
        node_ids=list(ids.values()),
        edges=[{"source": ids["model"], "type": "HAS_VERSION", "target": ids["version"]}],
    )
    assert await lost_writes(db, ledger) == {
        "missing_nodes": [],
        "missing_kf_ids": [],
        "missing_edges": [],
    }


async def test_parts_without_the_rest_are_counted(db: Database) -> None:
    batch = GraphBatch()
    ids = _whole(batch)
    model = batch.node(Label.REGISTERED_MODEL, f"{REGISTER_PREFIX}2")
    batch.node(Label.MODEL_VERSION, "v1", parentId=model)  # no HAS_VERSION edge
    batch.edge(Edge.HAS_VERSION, model, batch.node(Label.MODEL_VERSION, "v2", parentId=model))
    batch.node(Label.EXECUTION, f"{RUN_PREFIX}2")  # a logged run with no edges
    env = batch.node(Label.SERVING_ENVIRONMENT, "env2")
    batch.node(Label.DEPLOYMENT, f"{DEPLOYMENT_PREFIX}2", parent=env)  # never deployed
    await batch.load(db)
    problems = await half_written(db)
    assert problems == {
        "version without its model": 1,
        "artifact without its version": 0,
        "dataset version without its dataset": 0,
        "deployment without its serving environment": 0,
        "logged run without its inputs or outputs": 1,
        # v1 (no edge, so not matched here) is counted above; v2 lacks artifact and run.
        "registered version without its artifact or training run": 1,
        "deployment without its DEPLOYED_AS edge": 1,
    }
    ledger = Ledger(
        node_ids=[ids["model"], "never-written"],
        kf_ids=[987654],
        edges=[
            {"source": ids["run"], "type": "PRODUCED", "target": ids["version"]},
            {"source": ids["dv"], "type": "PRODUCED", "target": ids["run"]},
        ],
    )
    lost = await lost_writes(db, ledger)
    assert lost["missing_nodes"] == ["never-written"]
    assert lost["missing_kf_ids"] == [987654]
    assert lost["missing_edges"] == [
        {"source": ids["dv"], "type": "PRODUCED", "target": ids["run"]}
    ]
