"""MLflow import bench (not a test): runs/s of `modelgraph import mlflow` from a SQLite store.

    .venv/bin/python -m bench.mlflow_import_bench --runs 200 --steps 20

Builds a real MLflow tracking store with MLflow's client (runs with params, two metrics with a
step history each, a dataset input; one registered model version per ten runs), imports it into
MODELGRAPH_BENCH_NEO4J_URI or a local Neo4j of its own, then times a second (no-op) import and an
incremental one after 10 % more runs. Writes bench/results/mlflow-import.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param
from pydantic import SecretStr

from bench.service import neo4j_target
from modelgraph.importers.mlflow import Outcome, import_mlflow
from modelgraph.settings import Settings
from modelgraph.store import admin, events, migrations
from modelgraph.store.db import Database, make_driver

RESULTS = Path(__file__).resolve().parent / "results"
T0 = 1_790_000_000_000


def log_runs(client: MlflowClient, experiment: str, first: int, count: int, steps: int) -> None:
    """``count`` finished runs; every tenth becomes a version of the model ``bench-model``."""
    for i in range(first, first + count):
        run = client.create_run(experiment, start_time=T0 + i * 1000, run_name=f"run-{i}")
        run_id = run.info.run_id
        metrics = [
            Metric(key, 1.0 / (s + 1) + i, T0 + i * 1000 + s, s)
            for key in ("loss", "accuracy")
            for s in range(steps)
        ]
        params = [Param("learning_rate", str(0.01 * (i % 7 + 1))), Param("max_depth", str(i % 9))]
        params += [Param("optimizer", "adam"), Param("layers", "[64, 32]"), Param("gpu", "true")]
        client.log_batch(run_id, metrics=metrics, params=params)
        digest = f"{i // 10:08x}"
        data = Dataset(f"features-{i % 5}", digest, "http", json.dumps({"url": f"s3://d/{digest}"}))
        client.log_inputs(
            run_id, [DatasetInput(data, [InputTag("mlflow.data.context", "training")])]
        )
        client.set_terminated(run_id, "FINISHED", end_time=T0 + i * 1000 + 500)
        if i % 10 == 0:
            client.create_model_version("bench-model", f"runs:/{run_id}/model", run_id=run_id)


async def timed(db: Database, uri: str, name: str, runs: int) -> dict[str, Any]:
    """One import: wall time, runs/s over the runs MLflow listed, outcomes, Neo4j round trips."""
    trips, start = db.round_trips.count, time.perf_counter()
    summary = await import_mlflow(db, uri)
    seconds = time.perf_counter() - start
    return {
        "import": name,
        "seconds": round(seconds, 2),
        "runs_listed": runs,
        "runs_per_s": round(runs / seconds, 1),
        "neo4j_round_trips": db.round_trips.count - trips,
        **{o.value: summary.total(o) for o in Outcome},
    }


async def main(args: argparse.Namespace) -> None:
    directory = Path(tempfile.mkdtemp(prefix="mlflow-bench-"))
    uri = f"sqlite:///{directory / 'mlflow.db'}"
    client = MlflowClient(uri, uri)
    experiment = client.create_experiment("bench", artifact_location=str(directory / "artifacts"))
    client.create_registered_model("bench-model")
    start = time.perf_counter()
    log_runs(client, experiment, 0, args.runs, args.steps)
    build_s = time.perf_counter() - start
    extra = max(1, args.runs // 10)
    rows = []
    with neo4j_target() as target:
        settings = Settings(neo4j_uri=target.uri, neo4j_password=SecretStr(""), _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database, tx_timeout=120)
        try:
            await migrations.migrate(db)
            await admin.clear_graph(db)
            rows.append(await timed(db, uri, "first (everything new)", args.runs))
            head = await events.head(db)
            rows.append(await timed(db, uri, "second (nothing changed)", args.runs))
            assert await events.head(db) == head, "a repeated import wrote events"
            log_runs(client, experiment, args.runs, extra, args.steps)
            rows.append(await timed(db, uri, f"incremental (+{extra} runs)", args.runs + extra))
        finally:
            await driver.close()
    load = os.getloadavg()
    result = {
        "args": vars(args),
        "metric_points_per_run": 2 * args.steps,
        "mlflow_store_build_s": round(build_s, 1),
        "load_average": [round(x, 1) for x in load],
        "imports": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mlflow-import.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# MLflow import bench",
        "",
        f"`python -m bench.mlflow_import_bench --runs {args.runs} --steps {args.steps}` — "
        f"{2 * args.steps} metric points, 5 params and one dataset input per run, a model version "
        f"per ten runs; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min).",
        "",
        "| import | seconds | runs listed | runs/s | Neo4j round trips | created | updated | "
        "skipped | failed |",
        "|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {r['import']} | {r['seconds']} | {r['runs_listed']} | {r['runs_per_s']} | "
            f"{r['neo4j_round_trips']} | {r['created']} | {r['updated']} | {r['skipped']} | "
            f"{r['failed']} |"
            for r in rows
        ),
        "",
    ]
    (RESULTS / "mlflow-import.md").write_text("\n".join(lines))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
