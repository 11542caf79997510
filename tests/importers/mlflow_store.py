"""A real MLflow tracking store (SQLite in a temporary directory) written with MLflow's client.

Imported only by test modules that skip first when the mlflow extra is missing.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest.importorskip(
    "mlflow", reason="the mlflow extra is not installed: pip install -e '.[mlflow]'"
)

from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param


@dataclass
class Store:
    """The tracking URI and the MLflow ids the tests look for."""

    uri: str
    client: MlflowClient
    experiments: dict[str, str] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)


def dataset(name: str, digest: str, url: str, columns: list[tuple[str, str]], rows: int) -> Dataset:
    """An MLflow dataset as `mlflow.log_input` stores it (schema and profile are JSON text)."""
    return Dataset(
        name=name,
        digest=digest,
        source_type="http",
        source=json.dumps({"url": url}),
        schema=json.dumps({"mlflow_colspec": [{"type": t, "name": n} for n, t in columns]}),
        profile=json.dumps({"num_rows": rows, "num_elements": rows * len(columns)}),
    )


FEATURES_V1 = dataset(
    "churn-features",
    "a1b2c3d4",
    "https://data.example/churn/v1.parquet",
    [("tenure", "long"), ("monthly_charges", "double")],
    1000,
)
FEATURES_V2 = dataset(
    "churn-features",
    "e5f6a7b8",
    "https://data.example/churn/v2.parquet",
    [("tenure", "long"), ("monthly_charges", "double"), ("contract", "string")],
    1200,
)
HOLDOUT = dataset(
    "churn-holdout",
    "99aa88bb",
    "https://data.example/churn/holdout.parquet",
    [("tenure", "long")],
    200,
)


def log_run(
    store: Store,
    experiment: str,
    name: str,
    params: dict[str, str],
    losses: list[float],
    inputs: list[tuple[Dataset, str]],
    *,
    start: int,
) -> str:
    """One finished run: params, a loss curve (one point per step), accuracy, dataset inputs."""
    c = store.client
    run = c.create_run(
        store.experiments[experiment], start_time=start, run_name=name, tags={"team": "churn"}
    )
    run_id = run.info.run_id
    metrics = [Metric("loss", v, start + i, i) for i, v in enumerate(losses)]
    metrics.append(Metric("accuracy", 0.9, start + len(losses), len(losses)))
    c.log_batch(run_id, metrics=metrics, params=[Param(k, v) for k, v in params.items()])
    c.log_inputs(
        run_id,
        datasets=[DatasetInput(d, [InputTag("mlflow.data.context", ctx)]) for d, ctx in inputs],
    )
    c.set_terminated(run_id, "FINISHED", end_time=start + 60_000)
    store.runs[name] = run_id
    return run_id


T0 = 1_790_000_000_000


def build(directory: Path) -> Store:
    """Two experiments, three runs, a registered model with two versions, a stage and an alias."""
    uri = f"sqlite:///{directory / 'mlflow.db'}"
    store = Store(uri, MlflowClient(uri, uri))
    c = store.client
    for name in ("churn-training", "churn-tuning"):
        store.experiments[name] = c.create_experiment(
            name, artifact_location=str(directory / "artifacts" / name), tags={"owner": "ds-team"}
        )
    params = {
        "learning_rate": "0.1",
        "max_depth": "6",
        "early_stopping": "True",
        "layers": "[64, 32]",
        "optimizer": "adam",
        "seed": "007",
    }
    log_run(
        store,
        "churn-training",
        "train-v1",
        params,
        [0.9, 0.6, 0.4],
        [(FEATURES_V1, "training"), (HOLDOUT, "validation")],
        start=T0,
    )
    log_run(
        store,
        "churn-training",
        "train-v2",
        {**params, "learning_rate": "0.05"},
        [0.8, 0.5, 0.3, 0.2],
        [(FEATURES_V2, "training")],
        start=T0 + 100_000,
    )
    log_run(
        store,
        "churn-tuning",
        "tune-1",
        {"learning_rate": "1e-3"},
        [1.0, 0.7],
        [(FEATURES_V2, "training")],
        start=T0 + 200_000,
    )
    logged = c.create_logged_model(
        store.experiments["churn-training"],
        name="churn-xgb",
        source_run_id=store.runs["train-v2"],
        model_type="xgboost",
    )
    c.create_registered_model("churn-model", tags={"domain": "retention"}, description="Churn")
    v1 = c.create_model_version(
        "churn-model",
        f"runs:/{store.runs['train-v1']}/model",
        run_id=store.runs["train-v1"],
        description="first",
    )
    c.create_model_version(
        "churn-model",
        logged.artifact_location,
        run_id=store.runs["train-v2"],
        tags={"candidate": "yes"},
        model_id=logged.model_id,
    )
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", FutureWarning
        )  # stages are deprecated in MLflow, still used
        c.transition_model_version_stage("churn-model", v1.version, "Production")
    c.set_registered_model_alias("churn-model", "champion", v1.version)
    return store
