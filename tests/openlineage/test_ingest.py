"""POST /api/v1/lineage and /batch on a live service with API tokens and a real Neo4j."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from modelgraph.store.db import Database
from tests.openlineage.conftest import Tokens, bearer
from tests.openlineage.graph import count, gql, runs
from tests.openlineage.payloads import dataset, event, facet, new_run

SRC = dataset(
    "postgres://crm:5432", "public.transactions", fields=[("id", "INT"), ("amount", "FLOAT")]
)
OUT = dataset("s3://lake", "transactions_clean", fields=[("id", "INT"), ("amount_eur", "FLOAT")])


async def _post(
    http: httpx.AsyncClient, token: str, body: Any, path: str = "/api/v1/lineage"
) -> httpx.Response:
    return await http.post(path, json=body, headers=bearer(token))


async def _size(db: Database) -> tuple[int, int]:
    """Nodes and relationships in the whole graph (tokens included)."""
    return await count(db, "(n)"), await count(db, "()-[r]->()")


async def test_start_then_complete_records_one_run_with_its_datasets(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    run = new_run()
    first = await _post(
        ol_http, tokens.contributor, event("START", run, inputs=[SRC], outputs=[OUT])
    )
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "ingested"
    done = event("COMPLETE", run, at="2026-12-01T10:05:00Z", inputs=[SRC], outputs=[OUT])
    second = await _post(ol_http, tokens.contributor, done)
    assert second.status_code == 201, second.text
    assert second.json()["executionId"] == first.json()["executionId"]

    [execution] = await runs(db)
    assert execution["olRunId"] == run
    assert execution["status"] == "COMPLETED"
    assert execution["type"] == "PREPROCESSING"
    assert execution["name"] == "crm.extract_transactions"
    assert execution["olJobNamespace"] == "airflow-prod"
    assert execution["startTime"] == 1_796_119_200_000
    assert execution["endTime"] == 1_796_119_500_000
    assert execution["author"] == "pipeline"
    # The input had no version facet: the version it read; the output is versioned by its run.
    read = (
        "(:Dataset {name: 'public.transactions'})-[:HAS_VERSION]->"
        "(:DatasetVersion {name: 'unversioned'})-[:CONSUMED_BY {role: 'input'}]->(:Execution)"
    )
    assert await count(db, read) == 1
    written = (
        "(:Execution)-[:PRODUCED]->(:DatasetVersion {name: $version})<-[:HAS_VERSION]-"
        "(:Dataset {name: 'transactions_clean', olNamespace: 's3://lake'})"
    )
    assert await count(db, written, version=f"run-{run}") == 1
    assert (
        await count(db, "(:DatasetVersion {name: 'unversioned', featureNames: ['id', 'amount']})")
        == 1
    )
    assert await count(db, "(:_Event {type: 'lineage.ingested'})") == 2


async def _counted(http: httpx.AsyncClient, token: str) -> dict[str, float]:
    """modelgraph_openlineage_events_total by outcome, read from /metrics."""
    text = (await http.get("/metrics", headers=bearer(token))).text
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "modelgraph_openlineage_events"
        for sample in family.samples
        if sample.name.endswith("_total")
    }


async def test_a_replayed_event_changes_nothing(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    counted = await _counted(ol_http, tokens.admin)
    run = new_run()
    body = event("COMPLETE", run, inputs=[SRC], outputs=[OUT])
    assert (await _post(ol_http, tokens.contributor, body)).status_code == 201
    before = await _size(db), await runs(db)
    again = await _post(ol_http, tokens.contributor, body)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"
    assert (await _size(db), await runs(db)) == before
    after = await _counted(ol_http, tokens.admin)
    assert after["ingested"] - counted.get("ingested", 0) == 1
    assert after["duplicate"] - counted.get("duplicate", 0) == 1


async def test_out_of_order_events_leave_the_latest_state(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    run = new_run()
    late = event("COMPLETE", run, at="2026-12-01T10:05:00Z", outputs=[OUT])
    early = event("START", run, at="2026-12-01T10:00:00Z", outputs=[OUT])
    running = event("RUNNING", run, at="2026-12-01T10:02:00Z", outputs=[OUT])
    for body in (late, early, running):
        assert (await _post(ol_http, tokens.contributor, body)).status_code == 201
    [execution] = await runs(db)
    assert execution["status"] == "COMPLETED"
    assert execution["startTime"] == 1_796_119_200_000
    assert execution["endTime"] == 1_796_119_500_000
    assert len(execution["olEventKeys"]) == 3
    # The same dataset version for every event of the run.
    assert await count(db, "(:Execution)-[:PRODUCED]->(:DatasetVersion)") == 1


async def test_a_failed_run_is_failed(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    run = new_run()
    for body in (event("START", run), event("FAIL", run, at="2026-12-01T10:01:00Z")):
        assert (await _post(ol_http, tokens.contributor, body)).status_code == 201
    [execution] = await runs(db)
    assert execution["status"] == "FAILED"


async def test_an_invalid_event_is_refused_whole_naming_the_field(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    before = await _size(db)
    body = event("START", "not-a-uuid", inputs=[SRC])
    refused = await _post(ol_http, tokens.contributor, body)
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_ARGUMENT"
    assert refused.json()["field"] == "run.runId"
    assert "run.runId" in refused.json()["message"]
    bad_facet = event("START", new_run(), outputs=[{**OUT, "facets": {"schema": {"fields": []}}}])
    refused = await _post(ol_http, tokens.contributor, bad_facet)
    assert refused.status_code == 400
    assert refused.json()["field"] == "outputs.0.facets.schema._producer"
    model = facet("ModelgraphModelRunFacet", name="churn")
    refused = await _post(
        ol_http,
        tokens.contributor,
        event("START", new_run(), run_facets={"modelgraph_model": model}),
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "run.facets.modelgraph_model.version"
    not_json = await ol_http.post(
        "/api/v1/lineage",
        content=b"{",
        headers={**bearer(tokens.contributor), "content-type": "application/json"},
    )
    assert not_json.status_code == 400
    assert await _size(db) == before


async def test_gzip_bodies_are_read_and_bounded(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    headers = {
        **bearer(tokens.contributor),
        "content-type": "application/json",
        "content-encoding": "gzip",
    }
    body = gzip.compress(json.dumps(event("START", new_run(), outputs=[OUT])).encode())
    accepted = await ol_http.post("/api/v1/lineage", content=body, headers=headers)
    assert accepted.status_code == 201, accepted.text
    assert len(await runs(db)) == 1
    # 5 MB of spaces compress to a few kB: under the body limit sent, over it once inflated.
    bomb = gzip.compress(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    assert len(bomb) < 64 * 1024
    refused = await ol_http.post("/api/v1/lineage", content=bomb, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    broken = await ol_http.post("/api/v1/lineage", content=b"not gzip", headers=headers)
    assert broken.status_code == 400
    other = {**headers, "content-encoding": "br"}
    assert (await ol_http.post("/api/v1/lineage", content=body, headers=other)).status_code == 400


async def test_a_batch_succeeds_partially(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    good, other = new_run(), new_run()
    batch = [
        event("START", good, outputs=[OUT]),
        event("START", "bad-id"),
        event("COMPLETE", good, at="2026-12-01T10:05:00Z", outputs=[OUT]),
        event("START", good, outputs=[OUT]),  # a replay of the first
        event("COMPLETE", other, inputs=[SRC]),
        [],
    ]
    answer = await _post(ol_http, tokens.contributor, batch, "/api/v1/lineage/batch")
    assert answer.status_code == 207, answer.text
    body = answer.json()
    assert (body["received"], body["ingested"], body["duplicates"], body["failed"]) == (6, 3, 1, 2)
    statuses = [
        (r["index"], r["httpStatus"], r.get("status"), r.get("field")) for r in body["results"]
    ]
    assert statuses == [
        (0, 201, "ingested", None),
        (1, 400, None, "run.runId"),
        (2, 201, "ingested", None),
        (3, 200, "duplicate", None),
        (4, 201, "ingested", None),
        (5, 400, None, "event"),
    ]
    assert sorted(r["olRunId"] for r in await runs(db)) == sorted([good, other])
    all_good = await _post(
        ol_http, tokens.contributor, [event("RUNNING", other)], "/api/v1/lineage/batch"
    )
    assert all_good.status_code == 200
    not_a_list = await _post(ol_http, tokens.contributor, {"events": []}, "/api/v1/lineage/batch")
    assert not_a_list.status_code == 400


async def test_a_batch_event_refused_while_writing_takes_no_other_event_with_it(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    # A model the pipeline may read but not edit: claiming a version of it is refused (403).
    locked = await gql(
        ol_http,
        tokens.admin,
        'mutation { registerModel(input: {modelName: "locked", versionName: "v1"}) '
        "{ model { id } } }",
    )
    assert locked["registerModel"]["model"]["id"]
    claim = facet("ModelgraphModelRunFacet", name="locked", version="v1")
    first, second = new_run(), new_run()
    batch = [
        event("START", first, inputs=[SRC], outputs=[OUT]),
        event("COMPLETE", new_run(), inputs=[OUT], run_facets={"modelgraph_model": claim}),
        event("COMPLETE", first, at="2026-12-01T10:05:00Z", inputs=[SRC], outputs=[OUT]),
        event("START", second, inputs=[OUT]),
    ]
    answer = await _post(ol_http, tokens.contributor, batch, "/api/v1/lineage/batch")
    assert answer.status_code == 207, answer.text
    assert [(r["index"], r["httpStatus"]) for r in answer.json()["results"]] == [
        (0, 201),
        (1, 403),
        (2, 201),
        (3, 201),
    ]
    recorded = {r["olRunId"]: r for r in await runs(db)}
    assert set(recorded) == {first, second}
    assert recorded[first]["status"] == "COMPLETED"


async def test_a_viewer_token_is_refused_and_nothing_is_written(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    before = await _size(db)
    refused = await _post(ol_http, tokens.viewer, event("START", new_run(), outputs=[OUT]))
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "FORBIDDEN"
    batch = await _post(
        ol_http, tokens.viewer, [event("START", new_run())] * 2, "/api/v1/lineage/batch"
    )
    assert batch.status_code == 403
    anonymous = await ol_http.post("/api/v1/lineage", json=event("START", new_run()))
    assert anonymous.status_code == 401
    assert await _size(db) == before


async def test_unknown_facets_are_kept(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    run = new_run()
    spark = facet("SparkVersionFacet", version="3.5.1")
    sql = facet("SQLJobFacet", query="select 1")
    stats = facet("OutputStatisticsOutputDatasetFacet", rowCount=42)
    out = {**OUT, "outputFacets": {"outputStatistics": stats}}
    out["facets"] = {**out["facets"], "storage": facet("StorageDatasetFacet", storageLayer="delta")}
    body = event(
        "COMPLETE", run, outputs=[out], run_facets={"spark_version": spark}, job_facets={"sql": sql}
    )
    assert (await _post(ol_http, tokens.contributor, body)).status_code == 201
    [execution] = await runs(db)
    kept = json.loads(execution["olFacetsJson"])
    assert kept["run"]["spark_version"]["version"] == "3.5.1"
    assert kept["job"]["sql"]["query"] == "select 1"

    async def version_facets(tx: Any) -> dict[str, Any]:
        result = await tx.run(
            "MATCH (:Dataset {name: 'transactions_clean'})-[:HAS_VERSION]->(v) "
            "RETURN v.olFacetsJson AS f"
        )
        record = await result.single()
        return dict(json.loads(record["f"]))

    facets = await db.read(version_facets)
    assert facets["dataset"]["storage"]["storageLayer"] == "delta"
    assert facets["dataset"]["output.outputStatistics"]["rowCount"] == 42


async def test_parent_runs_link_to_their_children(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    dag_run, task_run = new_run(), new_run()
    parent = facet(
        "ParentRunFacet",
        run={"runId": dag_run},
        job={"namespace": "airflow-prod", "name": "crm_daily"},
    )
    child = event("START", task_run, run_facets={"parent": parent})
    assert (await _post(ol_http, tokens.contributor, child)).status_code == 201
    placeholder = {r["olRunId"]: r for r in await runs(db)}[dag_run]
    assert placeholder["name"] == "crm_daily"
    assert placeholder["status"] == "UNKNOWN"
    dag = event("COMPLETE", dag_run, job="crm_daily", at="2026-12-01T11:00:00Z")
    assert (await _post(ol_http, tokens.contributor, dag)).status_code == 201
    by_run = {r["olRunId"]: r for r in await runs(db)}
    assert len(by_run) == 2
    assert by_run[dag_run]["status"] == "COMPLETED"
    assert "olPlaceholder" not in by_run[dag_run]
    assert (
        await count(
            db,
            "(:Execution {olRunId: $dag})-[:HAS_CHILD_RUN]->(:Execution {olRunId: $task})",
            dag=dag_run,
            task=task_run,
        )
        == 1
    )


async def test_column_lineage_both_directions(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    step = [{"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "amount * rate"}]
    lineage = facet(
        "ColumnLineageDatasetFacet",
        fields={
            "amount_eur": {
                "inputFields": [
                    {
                        "namespace": "postgres://crm:5432",
                        "name": "public.transactions",
                        "field": "amount",
                        "transformations": step,
                    },
                    {"namespace": "postgres://crm:5432", "name": "public.rates", "field": "rate"},
                ]
            }
        },
    )
    out = {**OUT, "facets": {**OUT["facets"], "columnLineage": lineage}}
    first = event("COMPLETE", new_run(), inputs=[SRC], outputs=[out])
    answer = await _post(ol_http, tokens.contributor, first)
    assert answer.status_code == 201, answer.text
    report = dataset("s3://lake", "eur_report", version="2026-12")
    report["facets"]["columnLineage"] = facet(
        "ColumnLineageDatasetFacet",
        fields={
            "total": {
                "inputFields": [
                    {"namespace": "s3://lake", "name": "transactions_clean", "field": "amount_eur"}
                ]
            }
        },
    )
    second = event("COMPLETE", new_run(), job="report", inputs=[OUT], outputs=[report])
    answer = await _post(ol_http, tokens.contributor, second)
    assert answer.status_code == 201, answer.text

    query = """
    query($d: String!, $f: String!, $dir: ColumnLineageDirection!) {
      columnLineage(dataset: $d, field: $f, direction: $dir) {
        column { dataset field } source { dataset version field } runId transformations
      }
    }"""
    up = await gql(ol_http, tokens.viewer, query, d="eur_report", f="total", dir="UPSTREAM")
    pairs = sorted(
        (e["column"]["dataset"], e["column"]["field"], e["source"]["dataset"], e["source"]["field"])
        for e in up["columnLineage"]
    )
    assert pairs == [
        ("eur_report", "total", "transactions_clean", "amount_eur"),
        ("transactions_clean", "amount_eur", "public.rates", "rate"),
        ("transactions_clean", "amount_eur", "public.transactions", "amount"),
    ]
    direct = next(e for e in up["columnLineage"] if e["source"]["field"] == "amount")
    assert direct["transformations"] == step
    down = await gql(
        ol_http, tokens.viewer, query, d="public.transactions", f="amount", dir="DOWNSTREAM"
    )
    assert sorted(e["column"]["field"] for e in down["columnLineage"]) == ["amount_eur", "total"]
    # The same edges come with lineage(...) when asked for.
    walked = await gql(
        ol_http,
        tokens.viewer,
        """{ lineage(ref: "eur_report:2026-12", maxDepth: 4) {
               columnEdges { column { field } source { field } } } }""",
    )
    edges = {(e["column"]["field"], e["source"]["field"]) for e in walked["lineage"]["columnEdges"]}
    assert edges == {("total", "amount_eur"), ("amount_eur", "amount"), ("amount_eur", "rate")}
    # Replaying the event adds no field node and no edge.
    before = await _size(db)
    assert (await _post(ol_http, tokens.contributor, first)).status_code == 200
    assert await _size(db) == before
