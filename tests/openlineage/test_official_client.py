"""The official openlineage-python client, unchanged, feeds a live ModelGraph with an API key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import attr
import httpx
import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    RunFacet,
    dataset_version_dataset,
    job_type_job,
    parent_run,
    schema_dataset,
)
from openlineage.client.transport.http import HttpConfig, HttpTransport
from openlineage.client.uuid import generate_new_uuid
from requests.exceptions import HTTPError

from modelgraph.domain.access import Permission, SubjectType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.lineage_factories import demo_graph
from tests.openlineage.conftest import Tokens
from tests.openlineage.graph import gql, runs
from tests.openlineage.payloads import PRODUCER

T0 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@attr.define
class ModelgraphModelRunFacet(RunFacet):
    """The custom run facet a training task adds to say which model version it produced."""

    name: str
    version: str


def _client(url: str, token: str, *, gzip: bool = False) -> OpenLineageClient:
    config: dict[str, Any] = {
        "url": url,
        "auth": {"type": "api_key", "apiKey": token},
        "retry": {"total": 0},
        # The client default is 5 s; a loaded 2-core test machine needs more.
        "timeout": 120.0,
    }
    if gzip:
        config["compression"] = "gzip"
    return OpenLineageClient(transport=HttpTransport(HttpConfig.from_dict(config)))


def _schema(*names: str) -> schema_dataset.SchemaDatasetFacet:
    return schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(name=n, type="STRING") for n in names]
    )


def _pipeline() -> list[RunEvent]:
    """An Airflow DAG run whose task exports the CRM table into customer-transactions v2, and a
    training task that reads churn-features v2 and says it produced customer-churn-prediction v2."""
    dag = Job(namespace="airflow-prod", name="crm_daily")
    dag_run = Run(runId=str(generate_new_uuid()))
    parent = parent_run.ParentRunFacet(
        run=parent_run.Run(runId=dag_run.runId),
        job=parent_run.Job(namespace=dag.namespace, name=dag.name),
    )
    task_type = job_type_job.JobTypeJobFacet(
        processingType="BATCH", integration="AIRFLOW", jobType="TASK"
    )
    export = Job(namespace="airflow-prod", name="crm_daily.export", facets={"jobType": task_type})
    export_run = Run(runId=str(generate_new_uuid()), facets={"parent": parent})
    crm = InputDataset(
        namespace="postgres://crm:5432",
        name="crm.public.transactions",
        facets={"schema": _schema("id", "customer_id", "amount")},
    )
    raw = OutputDataset(
        namespace="s3://raw",
        name="customer-transactions",
        facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="v2")},
    )
    train = Job(namespace="airflow-prod", name="crm_daily.train_churn")
    model = ModelgraphModelRunFacet(name="customer-churn-prediction", version="v2")
    train_run = Run(
        runId=str(generate_new_uuid()), facets={"parent": parent, "modelgraph_model": model}
    )
    features = InputDataset(
        namespace="s3://features",
        name="churn-features",
        facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="v2")},
    )

    def at(minutes: int) -> str:
        return (T0 + timedelta(minutes=minutes)).isoformat()

    def ev(state: RunState, minutes: int, run: Run, job: Job, **io: Any) -> RunEvent:
        return RunEvent(
            eventType=state, eventTime=at(minutes), run=run, job=job, producer=PRODUCER, **io
        )

    return [
        ev(RunState.START, 0, dag_run, dag),
        ev(RunState.START, 1, export_run, export, inputs=[crm], outputs=[raw]),
        ev(RunState.COMPLETE, 5, export_run, export, inputs=[crm], outputs=[raw]),
        ev(RunState.START, 6, train_run, train, inputs=[features]),
        ev(RunState.COMPLETE, 20, train_run, train, inputs=[features]),
        ev(RunState.COMPLETE, 21, dag_run, dag),
    ]


async def test_the_official_client_feeds_impact_and_trace(
    ol_server: Any, ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    graph = await demo_graph(db)
    client = _client(ol_server.url, tokens.contributor, gzip=True)
    events = _pipeline()
    # Saying a run produced a version of someone else's model edits that model: without EDIT on
    # customer-churn-prediction the training task is refused whole (no run, no edge).
    for event in events[:3]:
        await asyncio.to_thread(client.emit, event)
    with pytest.raises(HTTPError) as refused:
        await asyncio.to_thread(client.emit, events[3])
    assert refused.value.response.status_code == 403
    assert "crm_daily.train_churn" not in {r["name"] for r in await runs(db)}
    # The model's owners grant their pipeline EDIT; the same events are then accepted.
    await access.set_grant(
        db, graph["model"], SubjectType.USER, "pipeline", Permission.EDIT, actor=SYSTEM
    )
    for event in events[3:]:
        # The client is synchronous (requests); the service answers from its own thread.
        await asyncio.to_thread(client.emit, event)
    client.close()

    recorded = {r["name"]: r for r in await runs(db)}
    assert {n: r["status"] for n, r in recorded.items()} == {
        "crm_daily": "COMPLETED",
        "crm_daily.export": "COMPLETED",
        "crm_daily.train_churn": "COMPLETED",
    }
    assert recorded["crm_daily.export"]["type"] == "PREPROCESSING"
    assert recorded["crm_daily.train_churn"]["type"] == "TRAINING"

    impact = await gql(
        ol_http,
        tokens.viewer,
        """{ impact(ref: "crm.public.transactions") {
              runs: nodes(kinds: [Execution]) { name }
              models: nodes(kinds: [ModelVersion]) { label }
              deployments: nodes(kinds: [Deployment]) { name }
        } }""",
    )
    answer = impact["impact"]
    assert "crm_daily.export" in {n["name"] for n in answer["runs"]}
    assert {n["label"] for n in answer["models"]} >= {
        "customer-churn-prediction:v2",
        "fraud-detector:v1",
    }
    assert {n["name"] for n in answer["deployments"]} == {"churn-prod", "fraud-staging"}

    trace = await gql(
        ol_http,
        tokens.viewer,
        '{ trace(ref: "churn-prod") { nodes(kinds: [Execution]) { name } } }',
    )
    traced = {n["name"] for n in trace["trace"]["nodes"]}
    # Deployment -> v2 -> the OpenLineage training run, and on to the export that fed its data.
    assert {"crm_daily.train_churn", "crm_daily.export"} <= traced


async def test_the_official_client_sees_a_viewer_refused(
    ol_server: Any, tokens: Tokens, db: Database
) -> None:
    client = _client(ol_server.url, tokens.viewer)
    with pytest.raises(HTTPError) as refused:
        await asyncio.to_thread(client.emit, _pipeline()[0])
    assert refused.value.response.status_code == 403
    assert await runs(db) == []
