"""OpenLineage ingest bench (not a test): events/s through the real service, validation on.

    .venv/bin/python -m bench.openlineage_bench --single 200 --batch 1000 --batch-size 100

Starts the real app under uvicorn (bench/service.py) over MODELGRAPH_BENCH_NEO4J_URI or a local
Neo4j of its own, posts synthetic pipeline events (START + COMPLETE per run, one input and one
output dataset with a schema facet, datasets drawn from a small pool so versions and runs mix)
one per request to ``/api/v1/lineage`` and in batches to ``/api/v1/lineage/batch``, and checks
every event was recorded. Also times validation + mapping alone, in-process. Writes
bench/results/openlineage.json and openlineage.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bench.service import Service, neo4j_target
from modelgraph.openlineage.events import SCHEMA_URL, parse_run_event
from modelgraph.openlineage.mapping import MappingRules, plan_event
from modelgraph.settings import Settings
from modelgraph.store import admin, migrations
from modelgraph.store.db import Database, make_driver

RESULTS = Path(__file__).resolve().parent / "results"
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/integration/spark"
POOL = 20


def _facet(schema: str, **fields: Any) -> dict[str, Any]:
    url = f"https://openlineage.io/spec/facets/1-0-0/{schema}.json"
    return {"_producer": PRODUCER, "_schemaURL": url, **fields}


def _dataset(i: int) -> dict[str, Any]:
    fields = [{"name": f"col_{k}", "type": "STRING"} for k in range(3)]
    return {
        "namespace": "s3://bench",
        "name": f"table_{i % POOL}",
        "facets": {"schema": _facet("SchemaDatasetFacet", fields=fields)},
    }


def events(runs: int, seed: int) -> list[dict[str, Any]]:
    """START and COMPLETE of ``runs`` runs, each reading one pooled table and writing the next."""
    out = []
    for n in range(runs):
        run_id = str(uuid.uuid4())
        for kind, second in (("START", 0), ("COMPLETE", 30)):
            at = f"2026-12-01T10:{(n + seed) % 60:02d}:{second:02d}.{n % 1000:03d}Z"
            out.append(
                {
                    "eventType": kind,
                    "eventTime": at,
                    "producer": PRODUCER,
                    "schemaURL": SCHEMA_URL,
                    "run": {"runId": run_id, "facets": {}},
                    "job": {"namespace": "spark-bench", "name": f"job_{n % POOL}"},
                    "inputs": [_dataset(n + seed)],
                    "outputs": [_dataset(n + seed + 1)],
                }
            )
    return out


def validation_rate(payloads: list[dict[str, Any]]) -> float:
    """Events/s of spec validation + mapping alone (no I/O)."""
    rules = MappingRules()
    start = time.perf_counter()
    for payload in payloads:
        plan_event(parse_run_event(payload), rules)
    return len(payloads) / (time.perf_counter() - start)


async def post_single(url: str, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=300) as http:
        start = time.perf_counter()
        statuses: dict[int, int] = {}
        for payload in payloads:
            code = (await http.post("/api/v1/lineage", json=payload)).status_code
            statuses[code] = statuses.get(code, 0) + 1
        seconds = time.perf_counter() - start
    return {
        "events": len(payloads),
        "seconds": round(seconds, 2),
        "events_per_s": round(len(payloads) / seconds, 1),
        "statuses": statuses,
    }


async def post_batches(url: str, payloads: list[dict[str, Any]], size: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=600) as http:
        start = time.perf_counter()
        ingested = failed = 0
        for i in range(0, len(payloads), size):
            answer = (await http.post("/api/v1/lineage/batch", json=payloads[i : i + size])).json()
            ingested += answer["ingested"]
            failed += answer["failed"]
        seconds = time.perf_counter() - start
    return {
        "events": len(payloads),
        "batch_size": size,
        "seconds": round(seconds, 2),
        "events_per_s": round(len(payloads) / seconds, 1),
        "ingested": ingested,
        "failed": failed,
    }


async def _runs_recorded(db: Database) -> int:
    async def work(tx: Any) -> int:
        result = await tx.run(
            "MATCH (e:Execution) WHERE e.olRunId IS NOT NULL RETURN count(e) AS n"
        )
        record = await result.single()
        return int(record["n"])

    out: int = await db.read(work)
    return out


async def main(args: argparse.Namespace) -> None:
    single = events(args.single // 2, seed=0)
    batch = events(args.batch // 2, seed=7)
    load_before = os.getloadavg()
    with neo4j_target() as target:
        settings = Settings(neo4j_uri=target.uri, neo4j_password=SecretStr(""), _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database)
        try:
            await migrations.migrate(db)
            await admin.clear_graph(db)
            with Service(target.uri) as service:
                # Plans every ingest query once, so neither measure pays for planning.
                await post_single(service.url, events(5, seed=3))
                one = await post_single(service.url, single)
                many = await post_batches(service.url, batch, args.batch_size)
            recorded = await _runs_recorded(db)
        finally:
            await driver.close()
    result = {
        "validation_and_mapping_events_per_s": round(validation_rate(single + batch), 1),
        "single": one,
        "batch": many,
        "runs_recorded": recorded,
        "runs_expected": 5 + len(single) // 2 + len(batch) // 2,
        "load_average_before": [round(x, 1) for x in load_before],
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "args": vars(args),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "openlineage.json").write_text(json.dumps(result, indent=2) + "\n")
    command = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items())
    lines = [
        "# OpenLineage ingest bench",
        "",
        f"`python -m bench.openlineage_bench {command}` — load average before "
        f"{result['load_average_before']}, after {result['load_average_after']} (2 cores).",
        "",
        "| measure | value |",
        "|---|---|",
        "| validation + mapping only (in-process) | "
        f"{result['validation_and_mapping_events_per_s']} events/s |",
        "| single `POST /api/v1/lineage`, sequential | "
        f"{one['events_per_s']} events/s ({one['events']} events, {one['seconds']} s) |",
        f"| `POST /api/v1/lineage/batch` of {many['batch_size']} | "
        f"{many['events_per_s']} events/s ({many['events']} events, {many['seconds']} s) |",
        f"| runs recorded / expected | {recorded} / {result['runs_expected']} |",
        "",
        "Target: >= 2,000 events/s batched.",
        "",
    ]
    (RESULTS / "openlineage.md").write_text("\n".join(lines))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--single", type=int, default=200, help="events posted one per request")
    parser.add_argument("--batch", type=int, default=1000, help="events posted in batches")
    parser.add_argument("--batch-size", type=int, default=100)
    asyncio.run(main(parser.parse_args()))
