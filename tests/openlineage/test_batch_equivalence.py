"""A batch is written set-based, a chunk per transaction: the graph it leaves must be the one the
same events leave sent one by one, however the events of the batch depend on each other."""

from __future__ import annotations

import json
from typing import Any

import httpx
from prometheus_client import REGISTRY

from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access, admin
from modelgraph.store.db import Database
from tests.openlineage.conftest import Tokens, bearer
from tests.openlineage.payloads import dataset, event, facet

# Fixed run ids: both ways write the same names (a run-versioned output is named by its run).
DAG, EXTRACT, TRAIN, LOAD = (
    "0c1f2d3e-0000-4000-8000-000000000001",
    "0c1f2d3e-0000-4000-8000-000000000002",
    "0c1f2d3e-0000-4000-8000-000000000003",
    "0c1f2d3e-0000-4000-8000-000000000004",
)
RAW_V2 = dataset("postgres://crm", "raw.events", version="v2")
RAW = dataset("postgres://crm", "raw.events", fields=[("id", "INT"), ("amount", "FLOAT")])
RAW_MOVED = dataset(
    "postgres://crm",
    "raw.events",
    dataSource=facet("DatasourceDatasetFacet", name="crm", uri="postgres://crm-replica:5432"),
)
MID = dataset("s3://lake", "events_clean", fields=[("id", "INT"), ("amount_eur", "FLOAT")])
COLUMNS = facet(
    "ColumnLineageDatasetFacet",
    fields={
        "amount_eur": {
            "inputFields": [
                {
                    "namespace": "postgres://crm",
                    "name": "raw.events",
                    "field": "amount",
                    "transformations": [{"type": "DIRECT", "subtype": "TRANSFORMATION"}],
                }
            ]
        }
    },
)
MID_WITH_COLUMNS = dataset(
    "s3://lake",
    "events_clean",
    fields=[("id", "INT"), ("amount_eur", "FLOAT")],
    columnLineage=COLUMNS,
)
FEATURES = dataset(
    "s3://lake", "features", version="v7", custom={"_producer": "x:y", "_schemaURL": "x:y", "k": 1}
)
PARENT = facet(
    "ParentRunFacet", run={"runId": DAG}, job={"namespace": "airflow-prod", "name": "crm_daily"}
)
MODEL = facet("ModelgraphModelRunFacet", name="churn-ol", version="v3")


def events() -> list[dict[str, Any]]:
    """A DAG whose tasks feed each other, with a replay, an out-of-order event, a placeholder
    parent that reports later, a moved source, column lineage and a model output."""
    extracted = event(
        "COMPLETE",
        EXTRACT,
        job="extract",
        at="2026-12-01T10:05:00Z",
        inputs=[RAW],
        outputs=[MID_WITH_COLUMNS],
        run_facets={"parent": PARENT},
    )
    return [
        event(
            "START",
            EXTRACT,
            job="extract",
            inputs=[RAW],
            outputs=[MID],
            run_facets={"parent": PARENT},
        ),
        # A new version of the table extract reads: extract's next event still reads the one
        # it read (not the newest), so the version a run read is tracked within the batch.
        event("COMPLETE", LOAD, job="load", outputs=[RAW_V2]),
        extracted,
        extracted,  # a replay
        event("START", DAG, job="crm_daily", at="2026-12-01T09:59:00Z"),
        event(
            "COMPLETE",
            TRAIN,
            job="train",
            at="2026-12-01T10:20:00Z",
            inputs=[MID],
            outputs=[FEATURES],
            run_facets={"parent": PARENT, "modelgraph_model": MODEL},
        ),
        event(
            "START",
            TRAIN,
            job="train",
            at="2026-12-01T10:10:00Z",
            inputs=[MID, RAW_MOVED],
            outputs=[FEATURES],
            run_facets={"parent": PARENT},
        ),  # arrives late
        event("COMPLETE", DAG, job="crm_daily", at="2026-12-01T10:30:00Z"),
    ]


# Properties that differ between two writes of the same graph: ids, clocks, counters.
VOLATILE = {"id", "kfId", "kfParentId", "parentId", "createdAt", "updatedAt", "versionId"}


async def snapshot(db: Database) -> tuple[list[str], list[str], list[str]]:
    """Every registry node (kind, name and properties), every relationship between them by
    their names, and the lineage.ingested events: the graph with ids and clocks left out."""

    async def work(tx: Any) -> tuple[list[str], list[str], list[str]]:
        def key(node: dict[str, Any]) -> str:
            return f"{node.get('kind')}:{node.get('parentName') or ''}/{node.get('name')}"

        nodes_result = await tx.run(
            "MATCH (n) WHERE NOT any(l IN labels(n) WHERE l STARTS WITH '_')"
            " AND NOT n:ApiToken AND NOT n:AccessGrant AND NOT n:AccessSettings"
            " OPTIONAL MATCH (p)-[:HAS_VERSION|HAS_FIELD]->(n)"
            " RETURN n {.*, parentName: p.name} AS n"
        )
        nodes = [r["n"] async for r in nodes_result]
        by_id = {n["id"]: n for n in nodes if "id" in n}
        shown = sorted(
            json.dumps({k: v for k, v in n.items() if k not in VOLATILE}, sort_keys=True)
            for n in nodes
        )
        rels_result = await tx.run(
            "MATCH (a)-[r]->(b) WHERE a.id IS NOT NULL AND b.id IS NOT NULL"
            " AND NOT any(l IN labels(a) + labels(b) WHERE l STARTS WITH '_')"
            " RETURN a.id AS a, type(r) AS type, properties(r) AS props, b.id AS b"
        )
        found = [r async for r in rels_result]
        rels = sorted(
            json.dumps(
                [key(by_id[r["a"]]), r["type"], r["props"], key(by_id[r["b"]])], sort_keys=True
            )
            for r in found
            if r["a"] in by_id and r["b"] in by_id
        )
        events_result = await tx.run(
            "MATCH (e:_Event {type: 'lineage.ingested'}) RETURN e.payload AS p ORDER BY e.seq"
        )
        ingested = [r["p"] async for r in events_result]
        return shown, rels, ingested

    out: tuple[list[str], list[str], list[str]] = await db.read(work)
    return out


def _chunks() -> tuple[float, float]:
    """Batch chunks written whole and split so far (the service runs in this process)."""
    values = [
        REGISTRY.get_sample_value("modelgraph_openlineage_chunks_total", {"outcome": outcome})
        for outcome in ("written", "split")
    ]
    return values[0] or 0.0, values[1] or 0.0


async def test_a_batch_leaves_the_graph_its_events_leave_one_by_one(
    ol_http: httpx.AsyncClient, tokens: Tokens, db: Database
) -> None:
    headers = bearer(tokens.contributor)
    one_by_one = []
    for payload in events():
        response = await ol_http.post("/api/v1/lineage", json=payload, headers=headers)
        assert response.status_code in (200, 201), response.text
        one_by_one.append(response.json()["status"])
    single = await snapshot(db)

    await admin.clear_graph(db)  # tokens too: the same principal gets a new one
    again = await access.create_token(
        db, "pipeline", "pipeline", ["contributor"], None, actor=SYSTEM
    )
    headers = bearer(again.secret)
    written, split = _chunks()
    batch = await ol_http.post("/api/v1/lineage/batch", json=events(), headers=headers)
    assert batch.status_code == 200, batch.text
    # In one transaction: a chunk rolled back and split would be the one-by-one path again.
    assert _chunks() == (written + 1, split)
    assert [r["status"] for r in batch.json()["results"]] == one_by_one
    assert one_by_one.count("duplicate") == 1
    batched = await snapshot(db)

    assert batched[0] == single[0]
    assert batched[1] == single[1]
    assert batched[2] == single[2]
    assert len(single[2]) == 7 and len(single[0]) > 10 and len(single[1]) > 10
