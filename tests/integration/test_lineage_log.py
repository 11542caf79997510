"""logExecution in the store: one transaction, idempotent under externalId, nothing partial."""

from __future__ import annotations

import asyncio
import math

import pytest

from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import ExecutionType
from modelgraph.store import admin, lineage
from modelgraph.store.db import Database
from modelgraph.store.lineage_log import (
    ExecutionLog,
    InputRef,
    NewDatasetVersion,
    log_execution,
    plain_hyperparameters,
)
from tests.lineage_factories import demo_graph


async def test_concurrent_retries_with_one_external_id_record_one_run(db: Database) -> None:
    g = await demo_graph(db)
    log = ExecutionLog(
        name="nightly-features",
        type=ExecutionType.PREPROCESSING,
        external_id="airflow:nightly:2026-11-27",
        experiment_id=g["exp"],
        hyperparameters=plain_hyperparameters({"window": 30, "filters": {"country": "DE"}}),
        inputs=[InputRef(g["ct:v2"], "input")],
        new_dataset_versions=[
            NewDatasetVersion(
                "churn-features",
                "v3",
                rows=10,
                feature_names=["tenure"],
                features=[{"name": "tenure", "type": "int", "importance": 0.5}],
            )
        ],
    )
    before = await admin.count_nodes(db)
    results = await asyncio.gather(
        *(log_execution(db, log, actor=Principal("airflow")) for _ in range(4))
    )
    assert sum(r.created for r in results) == 1
    assert len({r.execution["id"] for r in results}) == 1
    assert await admin.count_nodes(db) == before + 2  # the run and churn-features:v3
    run = results[0].execution
    assert run["hp.window"] == 30 and run["hpj.filters"] == '{"country":"DE"}'
    assert run["parentId"] == g["exp"] and run["author"] == "airflow"
    impact = await lineage.impact(db, "customer-transactions:v2")
    assert "churn-features:v3" in {i.label for i in impact.items}
    new = next(i for i in impact.items if i.label == "churn-features:v3")
    assert new.props["featureNames"] == ["tenure"] and new.props["parentId"] == g["cf"]


async def test_invalid_input_is_rejected_before_writing(db: Database) -> None:
    g = await demo_graph(db)
    before = await admin.count_nodes(db)
    bad = [
        ExecutionLog(name="r", metrics={"loss": math.nan}),
        ExecutionLog(name="r", inputs=[InputRef(g["ct:v1"], "bad'role")]),
        ExecutionLog(name=""),
        ExecutionLog(name="r", start_time=10, end_time=5),
        ExecutionLog(
            name="r",
            new_dataset_versions=[NewDatasetVersion("churn-features", "v5")] * 2,
        ),
        ExecutionLog(name="r", outputs=[g["exp"]]),  # an Experiment is not a lineage output
    ]
    for log in bad:
        with pytest.raises(Invalid):
            await log_execution(db, log, actor=Principal("t"))
    with pytest.raises(NotFound) as missing:
        await log_execution(db, ExecutionLog(name="r", experiment_id=g["ct"]), actor=Principal("t"))
    assert missing.value.field == "experimentId"
    assert await admin.count_nodes(db) == before
