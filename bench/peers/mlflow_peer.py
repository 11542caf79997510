"""MLflow (SQLite backend) answering the benchmark's questions the way MLflow users must.

Run inside the MLflow virtualenv: ``python -m bench.peers.mlflow_peer CONFIG.json``.
MLflow has no multi-hop lineage: a training run records its input datasets (name, digest),
a model version records its run id, and aliases say what serves. So *impact* is answered
client-side: runs by dataset digest -> model versions by run id -> aliases of their models.
MLflow is *given*, untimed, the digests of every dataset version derived from the raw dataset
(it could not compute them itself); the timed part is what remains.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.peers.common import Dump, emit, log, time_calls

EPOCH_MS = 1_700_000_000_000


def main(config_path: str) -> None:
    import mlflow
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    config = json.loads(Path(config_path).read_text())
    workdir = Path(config["workdir"])
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "mlflow.db"
    db_path.unlink(missing_ok=True)
    uri = f"sqlite:///{db_path}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    dump = Dump.read(Path(config["dump"]))
    handles, requests = config["handles"], config["requests"]
    notes: list[str] = []

    # --- load: experiments, training runs (params, metrics, dataset inputs), models, aliases
    began = time.perf_counter()
    experiments = {
        n["id"]: client.create_experiment(n["name"], artifact_location=str(workdir / "artifacts"))
        for n in dump.of_kind("Experiment")
    }
    exp_of_run = {e["target"]: e["source"] for e in dump.edges["HAS_RUN"]}
    inputs_of: dict[str, list[dict[str, Any]]] = {}
    for e in dump.edges["CONSUMED_BY"]:
        inputs_of.setdefault(e["target"], []).append(e)
    run_of_output = {e["target"]: e["source"] for e in dump.edges["PRODUCED"]}
    mlflow_run: dict[str, str] = {}
    trainings = [n for n in dump.of_kind("Execution") if n.get("type") == "TRAINING"]
    for count, node in enumerate(trainings):
        run = client.create_run(experiments[exp_of_run[node["id"]]], run_name=node["name"])
        run_id = run.info.run_id
        params = [Param(k[3:], str(v)) for k, v in node.items() if k.startswith("hp.")]
        metrics = [
            Metric(k[2:], float(v), EPOCH_MS, 0) for k, v in node.items() if k.startswith("m.")
        ]
        client.log_batch(run_id, metrics=metrics, params=params)
        datasets = []
        for edge in inputs_of.get(node["id"], []):
            dv = dump.nodes[edge["source"]]
            parent = dump.nodes[dv["parentId"]]["name"]
            ds = Dataset(f"{parent}:{dv['name']}", dv["digest"], "s3", dv.get("uri", ""))
            datasets.append(DatasetInput(ds, [InputTag("mlflow.data.context", edge["role"])]))
        client.log_inputs(run_id, datasets=datasets)
        client.set_terminated(run_id)
        mlflow_run[node["id"]] = run_id
        if count % 500 == 0:
            log(f"mlflow: {count}/{len(trainings)} runs")
    model_name: dict[str, str] = {}
    for node in dump.of_kind("RegisteredModel"):
        tags = {"framework": node.get("framework", ""), "modelType": node.get("modelType", "")}
        client.create_registered_model(node["name"], tags=tags)
        model_name[node["id"]] = node["name"]
    version_of: dict[str, tuple[str, str]] = {}
    for node in sorted(dump.of_kind("ModelVersion"), key=lambda n: n["id"]):
        name = model_name[node["parentId"]]
        run_id = mlflow_run[run_of_output[node["id"]]]
        mv = client.create_model_version(name, f"s3://models/{name}/{node['name']}", run_id=run_id)
        version_of[node["id"]] = (name, mv.version)
    for edge in dump.edges["DEPLOYED_AS"]:
        if edge.get("until") is None:
            name, version = version_of[edge["source"]]
            alias = dump.nodes[edge["target"]]["name"].rsplit("-", 1)[-1]  # prod / staging
            client.set_registered_model_alias(name, alias, version)
    load_s = time.perf_counter() - began
    log(f"mlflow: loaded in {load_s:.1f} s")
    all_experiments = list(experiments.values())

    # --- impact: runs by dataset digest -> model versions by run id -> aliases
    # The most favourable hand-out: only versions some training run consumed.
    training_inputs = {e["source"] for t in trainings for e in inputs_of.get(t["id"], [])}
    digests_of: dict[str, list[str]] = {}
    for raw in handles["raw_datasets"]:
        reach = dump.downstream(dump.children(raw))
        digests_of[raw] = sorted({dump.nodes[i]["digest"] for i in reach if i in training_inputs})

    def impact(i: int) -> int:
        raw = handles["raw_datasets"][i % len(handles["raw_datasets"])]
        run_ids: set[str] = set()
        for digest in digests_of[raw]:
            page = client.search_runs(all_experiments, f"dataset.digest = '{digest}'")
            run_ids.update(r.info.run_id for r in page)
        versions = []
        ids = sorted(run_ids)
        for start in range(0, len(ids), 50):
            quoted = ",".join(f"'{r}'" for r in ids[start : start + 50])
            versions.extend(client.search_model_versions(f"run_id IN ({quoted})"))
        serving = 0
        for name in {v.name for v in versions}:
            aliases = client.get_registered_model(name).aliases
            serving += sum(1 for v in versions if v.name == name and v.version in aliases.values())
        return len(versions) + serving

    # --- register: run with params, metrics and its dataset, then a model version of it
    feature = handles["feature_versions"]
    for k in range(50):
        with contextlib.suppress(MlflowException):
            client.create_registered_model(f"bench-registered-{k}")
    register_exp = client.create_experiment("bench-register")

    def register(i: int) -> int:
        run = client.create_run(register_exp, run_name=f"register-{i}")
        run_id = run.info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric("f1", 0.88, EPOCH_MS, 0), Metric("accuracy", 0.91, EPOCH_MS, 0)],
            params=[Param("learning_rate", "0.1"), Param("max_depth", "6")],
        )
        dv = dump.nodes[feature[i % len(feature)]]
        ds = Dataset(dv["name"], dv["digest"], "s3", dv.get("uri", ""))
        client.log_inputs(
            run_id, datasets=[DatasetInput(ds, [InputTag("mlflow.data.context", "train")])]
        )
        client.set_terminated(run_id)
        client.create_model_version(
            f"bench-registered-{i % 50}", f"s3://bench/registered/{i}/model.bin", run_id=run_id
        )
        return 1

    # --- search: a filtered page of registered models
    frameworks = ("xgboost", "pytorch", "sklearn", "lightgbm", "tensorflow")

    def search(i: int) -> int:
        page = client.search_registered_models(
            f"tags.framework = '{frameworks[i % len(frameworks)]}'",
            max_results=20,
            order_by=["name ASC"],
        )
        return len(page)

    questions = {
        "impact": time_calls(impact, requests),
        "register": time_calls(register, requests),
        "search": time_calls(search, requests),
    }
    notes.append(
        "impact: MLflow is handed, untimed, the digests of the training inputs derived from "
        "the raw dataset (it has no multi-hop lineage to find them); timed: one search_runs "
        "per digest, search_model_versions by run id (IN, 50 per call), "
        "get_registered_model for aliases."
    )
    notes.append(
        "search: tags.framework = X, 20 per page, by name (MLflow cannot filter tags with IN, "
        "so the model-type condition of model_list is left out)."
    )
    emit(
        {
            "version": mlflow.__version__,
            "load": {"seconds": round(load_s, 1), "runs": len(trainings)},
            "questions": questions,
            "notes": notes,
        }
    )


if __name__ == "__main__":
    main(sys.argv[1])
