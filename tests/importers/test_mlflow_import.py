"""`modelgraph import mlflow` against a real MLflow store (SQLite) and the test Neo4j.

The store is written with MLflow's own client; the import is checked over GraphQL (trace from a
version reaches the run's typed hyperparameters, metric history and datasets; impact from a
dataset reaches the versions), for idempotence (a second import moves no count, writes no
event), incrementality (only a new run is written) and resumption (an import stopped after a few
entities and re-run leaves exactly what a clean import leaves).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip(
    "mlflow", reason="the mlflow extra is not installed: pip install -e '.[mlflow]'"
)

from modelgraph.domain.graph import Label
from modelgraph.importers.mlflow import IMPORTER, Outcome, Summary, import_mlflow, origin_prefix
from modelgraph.store import admin, entities, events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database
from tests.conftest import gql
from tests.importers.mlflow_store import FEATURES_V1, T0, Store, build, dataset, log_run

pytestmark = [
    # Each test builds a store and imports it several times: minutes on a machine shared by many.
    pytest.mark.timeout(900),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*noload.*"),
]

_COUNTS = query("importers/mlflow_counts")
_SNAPSHOT = query("importers/mlflow_snapshot")

TRACE = """
query Trace($ref: String!) {
  trace(ref: $ref) {
    root { kind label }
    nodes {
      kind label
      hyperparameters { key type floatValue intValue stringValue boolValue jsonValue }
      metrics { key value }
      featureNames rows
      entity {
        ... on Execution { status startTime endTime metricHistory(key: "loss") { step value } }
      }
    }
    edges { type role }
  }
}
"""

IMPACT = """
query Impact($ref: String!) {
  impact(ref: $ref) { nodes { kind label distance } }
}
"""

VERSION = """
query Version($ref: String!) {
  trace(ref: $ref) {
    root { entity { ... on ModelVersion { stage aliases stageHistory { fromStage toStage } } } }
  }
}
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build(tmp_path)


@pytest.fixture
def idb(db: Database) -> Database:
    """The test database with the CLI's budget for one entity's transaction on a loaded machine."""
    return Database(db.driver, db.database, tx_timeout=120)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _counts(db: Database) -> tuple[int, int, int]:
    async def work(tx: Any) -> dict[str, Any] | None:
        return await db.fetch_one(tx, "importers/mlflow_counts", _COUNTS)

    row = await db.read(work)
    assert row is not None
    return row["nodes"], row["relationships"], await events.head(db)


async def _snapshot(db: Database, uri: str) -> list[Any]:
    async def work(tx: Any) -> list[dict[str, Any]]:
        return await db.fetch(
            tx, "importers/mlflow_snapshot", _SNAPSHOT, externalIdPrefix=origin_prefix(uri)
        )

    rows = await db.read(work)
    return [
        (
            r["externalId"],
            sorted(r["edges"]),
            sorted(map(tuple, r["points"])),
            sorted(r["transitions"]),
            sorted(r["aliases"]),
            sorted((k, repr(v)) for k, v in r["properties"]),
        )
        for r in rows
    ]


def _totals(summary: Summary) -> dict[str, int]:
    return {o.value: summary.total(o) for o in Outcome}


async def test_import_answers_trace_and_impact(
    store: Store, idb: Database, client: httpx.AsyncClient
) -> None:
    summary = await import_mlflow(idb, store.uri)
    assert summary.errors == []
    assert summary.counts["run"][Outcome.CREATED] == 3
    assert summary.counts["model_version"][Outcome.CREATED] == 2
    assert summary.counts["alias"][Outcome.CREATED] == 1

    trace = _data(await gql(client, TRACE, {"ref": "churn-model:1"}))["trace"]
    assert trace["root"] == {"kind": "ModelVersion", "label": "churn-model:1"}
    nodes = {n["label"]: n for n in trace["nodes"]}
    run = nodes["train-v1"]
    hp = {h["key"]: h for h in run["hyperparameters"]}
    assert hp["learning_rate"]["type"] == "FLOAT" and hp["learning_rate"]["floatValue"] == 0.1
    assert hp["max_depth"]["type"] == "INT" and hp["max_depth"]["intValue"] == 6
    assert hp["early_stopping"]["type"] == "BOOL" and hp["early_stopping"]["boolValue"] is True
    assert hp["layers"]["type"] == "JSON" and hp["layers"]["jsonValue"] == [64, 32]
    assert hp["optimizer"]["stringValue"] == "adam"
    assert hp["seed"]["type"] == "STRING" and hp["seed"]["stringValue"] == "007"
    assert {m["key"]: m["value"] for m in run["metrics"]} == {"loss": 0.4, "accuracy": 0.9}
    execution = run["entity"]
    assert execution["status"] == "COMPLETED"
    assert execution["endTime"] - execution["startTime"] == 60_000
    assert [(p["step"], p["value"]) for p in execution["metricHistory"]] == [
        (0, 0.9),
        (1, 0.6),
        (2, 0.4),
    ]
    features = nodes["churn-features:a1b2c3d4"]
    assert features["kind"] == "DatasetVersion"
    assert features["featureNames"] == ["tenure", "monthly_charges"] and features["rows"] == 1000
    assert "churn-holdout:99aa88bb" in nodes
    roles = sorted(e["role"] for e in trace["edges"] if e["type"] == "CONSUMED_BY")
    assert roles == ["train", "validation"]

    # The version made from a LoggedModel: the logged model is its artifact, the run produced it.
    trace2 = _data(await gql(client, TRACE, {"ref": "churn-model:2"}))["trace"]
    kinds = {n["label"]: n["kind"] for n in trace2["nodes"]}
    assert kinds["train-v2"] == "Execution" and kinds["churn-features:e5f6a7b8"] == "DatasetVersion"

    impact = _data(await gql(client, IMPACT, {"ref": "churn-features:e5f6a7b8"}))["impact"]
    reached = {n["label"] for n in impact["nodes"] if n["kind"] == "ModelVersion"}
    assert reached == {"churn-model:2"}
    impact = _data(await gql(client, IMPACT, {"ref": "churn-features"}))["impact"]
    reached = {n["label"] for n in impact["nodes"] if n["kind"] == "ModelVersion"}
    assert reached == {"churn-model:1", "churn-model:2"}

    version = _data(await gql(client, VERSION, {"ref": "churn-model:1"}))["trace"]["root"]
    assert version["entity"]["stage"] == "PRODUCTION"
    assert version["entity"]["aliases"] == ["champion"]
    assert [(t["fromStage"], t["toStage"]) for t in version["entity"]["stageHistory"]] == [
        ("DEVELOPMENT", "STAGING"),
        ("STAGING", "PRODUCTION"),
    ]


async def test_second_import_writes_nothing(store: Store, idb: Database) -> None:
    await import_mlflow(idb, store.uri)
    before = await _counts(idb)
    summary = await import_mlflow(idb, store.uri)
    assert await _counts(idb) == before
    # 3 experiments (MLflow's own Default too), 3 runs, a logged model, a registered model with
    # 2 versions and 1 alias.
    assert _totals(summary) == {"created": 0, "updated": 0, "skipped": 11, "failed": 0}
    assert summary.counts["run"][Outcome.SKIPPED] == 3


async def test_incremental_import_writes_only_the_new_run(store: Store, idb: Database) -> None:
    await import_mlflow(idb, store.uri)
    nodes, _, seq = await _counts(idb)
    log_run(
        store,
        "churn-training",
        "train-v3",
        {"learning_rate": "0.2"},
        [0.5, 0.25],
        [(FEATURES_V1, "training")],
        start=T0 + 300_000,
    )
    summary = await import_mlflow(idb, store.uri)
    assert summary.counts["run"][Outcome.CREATED] == 1
    assert _totals(summary)["created"] == 1 and _totals(summary)["updated"] == 0
    after_nodes, _, after_seq = await _counts(idb)
    # The Execution, its two loss points and one accuracy point, and its entity.created event
    # (the dataset version it read was imported before).
    assert after_nodes - nodes == 1 + 3 + 1
    assert after_seq - seq == 1
    with_since = await import_mlflow(idb, store.uri, since_ms=T0 + 250_000)
    assert with_since.counts["run"] == {o: (1 if o is Outcome.SKIPPED else 0) for o in Outcome}


class _Stop(Exception):
    pass


async def test_a_stopped_import_resumes_to_the_clean_result(store: Store, idb: Database) -> None:
    seq = await events.head(idb)
    await import_mlflow(idb, store.uri)
    clean = await _snapshot(idb, store.uri)
    clean_nodes, clean_events = await admin.count_nodes(idb), await events.head(idb) - seq
    await admin.clear_graph(idb)
    seq = await events.head(idb)

    seen: list[str] = []

    def stop_after_four(kind: str, outcome: Outcome) -> None:
        seen.append(kind)
        if len(seen) == 4:
            raise _Stop

    with pytest.raises(_Stop):
        await import_mlflow(idb, store.uri, observer=stop_after_four)
    partial = await _snapshot(idb, store.uri)
    assert 0 < len(partial) < len(clean)
    resumed = await import_mlflow(idb, store.uri)
    assert resumed.errors == []
    assert resumed.total(Outcome.SKIPPED) == 4  # what the stopped import had committed
    assert await _snapshot(idb, store.uri) == clean
    assert await admin.count_nodes(idb) == clean_nodes
    assert await events.head(idb) - seq == clean_events


async def test_a_run_refused_halfway_writes_none_of_its_parts(store: Store, idb: Database) -> None:
    await import_mlflow(idb, store.uri)
    experiment = await entities.get_by_external_id(
        idb,
        Label.EXPERIMENT,
        origin_prefix(store.uri) + f"experiment:{store.experiments['churn-tuning']}",
    )
    assert experiment is not None
    await entities.edit(idb, experiment["id"], actor=IMPORTER, set_props={"state": "ARCHIVED"})
    fresh = dataset("fresh-data", "0f0f0f0f", "https://data.example/fresh", [("x", "long")], 5)
    log_run(
        store,
        "churn-tuning",
        "tune-2",
        {"seed": "1"},
        [0.3],
        [(fresh, "training")],
        start=T0 + 400_000,
    )
    nodes, seq = await admin.count_nodes(idb), await events.head(idb)
    summary = await import_mlflow(idb, store.uri)
    # The run's dataset and dataset version were created in its transaction before the archived
    # experiment refused the run: the whole transaction is gone.
    assert summary.counts["run"][Outcome.FAILED] == 1
    assert len(summary.errors) == 1 and "archived" in summary.errors[0], summary.errors
    assert await admin.count_nodes(idb) == nodes and await events.head(idb) == seq
    key = origin_prefix(store.uri) + "dataset:fresh-data"
    assert await entities.get_by_external_id(idb, Label.DATASET, key) is None
