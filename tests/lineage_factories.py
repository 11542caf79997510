"""Lineage test graphs built through store/bulk.py: the demo-like graph, diamonds, chains, fans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from modelgraph.domain.graph import Label
from modelgraph.store.bulk import GraphBatch
from modelgraph.store.db import Database

DAY = 86_400_000
T0 = 1_700_000_000_000  # all demo times are relative to this (epoch ms)


@dataclass
class DemoGraph:
    """Ids of the demo-like graph (the one src/modelgraph/demo.py loads) by a readable key."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.ids[key]


async def demo_graph(db: Database) -> DemoGraph:
    """customer-transactions -> preprocessing -> churn-features -> training -> churn model v1/v2;
    v1 served churn-prod from day 10 to day 20, v2 since day 20; fraud-detector on raw v2 serves
    fraud-staging. Times are T0 + days, so asOf questions have fixed answers."""
    g = GraphBatch(clock=T0)
    ids: dict[str, str] = {}

    def at(day: float) -> int:
        return T0 + int(day * DAY)

    ids["ct"] = g.node(Label.DATASET, "customer-transactions", createdAt=at(0), format="parquet")
    ids["ct:v1"] = g.node(
        Label.DATASET_VERSION, "v1", ids["ct"], createdAt=at(1), rows=1_000_000, bytes=52_000_000
    )
    ids["ct:v2"] = g.node(
        Label.DATASET_VERSION, "v2", ids["ct"], createdAt=at(11), rows=1_200_000, bytes=61_000_000
    )
    ids["cf"] = g.node(Label.DATASET, "churn-features", createdAt=at(0))
    ids["exp"] = g.node(Label.EXPERIMENT, "churn-experiments", createdAt=at(0))
    ids["model"] = g.node(
        Label.REGISTERED_MODEL,
        "customer-churn-prediction",
        createdAt=at(0),
        framework="xgboost",
        modelType="classification",
    )
    for n, day, lr, depth, acc in ((1, 2, 0.1, 6, 0.91), (2, 12, 0.05, 8, 0.94)):
        ids[f"prep{n}"] = g.node(
            Label.EXECUTION, f"preprocess-{n}", createdAt=at(day), type="PREPROCESSING"
        )
        g.consumed(ids[f"ct:v{n}"], ids[f"prep{n}"], "input")
        ids[f"cf:v{n}"] = g.node(
            Label.DATASET_VERSION,
            f"v{n}",
            ids["cf"],
            createdAt=at(day + 0.5),
            rows=990_000,
            bytes=20_000_000,
            featureNames=["tenure", "monthly_charges"],
            featuresJson='[{"name":"tenure","type":"int","importance":0.4}]',
        )
        g.produced(ids[f"prep{n}"], ids[f"cf:v{n}"])
        ids[f"train{n}"] = g.node(
            Label.EXECUTION,
            f"train-churn-{n}",
            ids["exp"],
            createdAt=at(day + 1),
            type="TRAINING",
            status="COMPLETED",
            startTime=at(day + 1),
            endTime=at(day + 1.1),
            **{
                "hp.learning_rate": lr,
                "hp.max_depth": depth,
                "hp.objective": "binary:logistic",
                "m.accuracy": acc,
                "m.f1": acc - 0.05,
                "m.log_loss": 1 - acc,
                "env.hardware": "cpu-16" if n == 1 else "gpu-a10",
                "env.pythonVersion": "3.11",
                "libraries": ["xgboost==2.0.3", "pandas==2.2.0"],
            },
        )
        g.consumed(ids[f"cf:v{n}"], ids[f"train{n}"], "train")
        ids[f"v{n}"] = g.node(
            Label.MODEL_VERSION,
            f"v{n}",
            ids["model"],
            createdAt=at(day + 1.2),
            framework="xgboost",
            modelType="classification",
            stage="PRODUCTION" if n == 2 else "ARCHIVED",
            **{"m.accuracy": acc},
        )
        g.produced(ids[f"train{n}"], ids[f"v{n}"])
    ids["prod-env"] = g.node(
        Label.SERVING_ENVIRONMENT, "prod-openshift", createdAt=at(0), platform="openshift"
    )
    ids["churn-prod"] = g.node(Label.DEPLOYMENT, "churn-prod", ids["prod-env"], createdAt=at(9))
    g.deployed(ids["v1"], ids["churn-prod"], since=at(10), until=at(20))
    g.deployed(ids["v2"], ids["churn-prod"], since=at(20))
    g.alias(ids["model"], ids["v1"], "champion", since=at(10), until=at(20))
    g.alias(ids["model"], ids["v2"], "champion", since=at(20))
    g.approval(ids["v2"], "PRODUCTION", at=at(19))

    ids["fraud"] = g.node(Label.REGISTERED_MODEL, "fraud-detector", createdAt=at(0))
    ids["train-fraud"] = g.node(
        Label.EXECUTION,
        "train-fraud-1",
        createdAt=at(13),
        type="TRAINING",
        **cast(dict[str, Any], {"hp.learning_rate": 0.2}),
    )
    g.consumed(ids["ct:v2"], ids["train-fraud"], "train")
    ids["fraud:v1"] = g.node(Label.MODEL_VERSION, "v1", ids["fraud"], createdAt=at(14))
    g.produced(ids["train-fraud"], ids["fraud:v1"])
    ids["staging-env"] = g.node(Label.SERVING_ENVIRONMENT, "staging-openshift", createdAt=at(0))
    ids["fraud-staging"] = g.node(
        Label.DEPLOYMENT, "fraud-staging", ids["staging-env"], createdAt=at(14)
    )
    g.deployed(ids["fraud:v1"], ids["fraud-staging"], since=at(15))
    await g.load(db)
    return DemoGraph(ids)


async def diamond(db: Database) -> dict[str, str]:
    """raw -> (clean-a, clean-b) -> join -> features -> train -> model:v1, plus a cycle:
    the model version's evaluation consumes `features` again and produces `features-v2`."""
    g = GraphBatch()
    ids: dict[str, str] = {}
    ids["ds"] = g.node(Label.DATASET, "raw")
    ids["raw"] = g.node(Label.DATASET_VERSION, "v1", ids["ds"])
    ids["feat-ds"] = g.node(Label.DATASET, "features")
    for side in ("a", "b"):
        ids[f"clean-{side}"] = g.node(Label.EXECUTION, f"clean-{side}", type="PREPROCESSING")
        ids[f"mid-{side}"] = g.node(Label.DATASET_VERSION, f"mid-{side}", ids["feat-ds"])
        g.consumed(ids["raw"], ids[f"clean-{side}"])
        g.produced(ids[f"clean-{side}"], ids[f"mid-{side}"])
    ids["join"] = g.node(Label.EXECUTION, "join", type="FEATURE_ENGINEERING")
    g.consumed(ids["mid-a"], ids["join"])
    g.consumed(ids["mid-b"], ids["join"])
    ids["features"] = g.node(Label.DATASET_VERSION, "features-v1", ids["feat-ds"])
    g.produced(ids["join"], ids["features"])
    ids["train"] = g.node(Label.EXECUTION, "train", type="TRAINING")
    g.consumed(ids["features"], ids["train"], "train")
    ids["rm"] = g.node(Label.REGISTERED_MODEL, "diamond-model")
    ids["mv"] = g.node(Label.MODEL_VERSION, "v1", ids["rm"])
    g.produced(ids["train"], ids["mv"])
    # A cycle in the data: evaluation of the model writes a successor of its own features.
    ids["eval"] = g.node(Label.EXECUTION, "eval", type="EVALUATION")
    g.consumed(ids["mv"], ids["eval"], "evaluation")
    g.consumed(ids["features"], ids["eval"], "test")
    ids["features2"] = g.node(Label.DATASET_VERSION, "features-v2", ids["feat-ds"])
    g.produced(ids["eval"], ids["features2"])
    g.consumed(ids["features2"], ids["join"], "feedback")
    await g.load(db)
    return ids


async def chain(db: Database, hops: int, name: str = "chain") -> list[str]:
    """dv0 -> run1 -> dv1 -> run2 -> ... : ``hops`` executions, so 2*hops edges; ids in order."""
    g = GraphBatch()
    ds = g.node(Label.DATASET, name)
    ids = [g.node(Label.DATASET_VERSION, "dv0", ds)]
    for i in range(1, hops + 1):
        run = g.node(Label.EXECUTION, f"step-{i}", type="PREPROCESSING")
        g.consumed(ids[-1], run)
        ids.append(run)
        ids.append(g.node(Label.DATASET_VERSION, f"dv{i}", ds))
        g.produced(run, ids[-1])
    await g.load(db)
    return ids


async def fan_out(db: Database, consumers: int) -> tuple[str, list[str]]:
    """One dataset version consumed by ``consumers`` training runs, each producing a version."""
    g = GraphBatch()
    ds = g.node(Label.DATASET, "popular")
    dv = g.node(Label.DATASET_VERSION, "v1", ds)
    rm = g.node(Label.REGISTERED_MODEL, "many")
    versions = []
    for i in range(consumers):
        run = g.node(Label.EXECUTION, f"train-{i}", type="TRAINING")
        g.consumed(dv, run, "train")
        versions.append(g.node(Label.MODEL_VERSION, f"v{i}", rm))
        g.produced(run, versions[-1])
    await g.load(db)
    return dv, versions
