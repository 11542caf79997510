"""Every group of seed metadata in docs/graph-model.md is written through GraphQL and read back."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import gql

REGISTER = """
mutation($input: RegisterModelInput!) {
  registerModel(input: $input) { model { id } version { id } artifact { id } execution { id } }
}
"""

DATASET = """
mutation {
  createDataset(input: {name: "churn-features", owner: "team-data", sourceUri: "s3://f",
                        format: "parquet"}) { id }
}
"""

DATASET_VERSION = """
mutation($id: ID!) {
  createDatasetVersion(datasetId: $id, input: {name: "v1", uri: "s3://f/v1", rows: "2500000",
    bytes: "9000000000", digest: "sha256:aa", format: "parquet",
    features: [{name: "tenure", type: "int", importance: 0.4},
               {name: "spend", type: "float", importance: 0.3}]}) { id }
}
"""


def _registration() -> dict[str, Any]:
    return {
        "modelName": "churn",
        "versionName": "v1",
        "model": {
            "description": "churn model",
            "owner": "team-risk",
            "framework": "xgboost",
            "modelType": "classification",
            "tags": ["churn"],
        },
        "version": {
            "description": "first version",
            "framework": "xgboost",
            "frameworkVersion": "2.0.3",
            "modelType": "classification",
            "vcsCommit": "abc123",
            "vcsRepoUrl": "https://git.example.com/churn",
            "vcsBranch": "main",
            "modelSizeBytes": 5_000_000,
            "inferenceLatencyMs": 3.5,
            "trainingTimeMs": 360_000,
            "tags": ["candidate"],
            "metadata": [
                {"key": "confusion_matrix", "type": "JSON", "jsonValue": [[90, 10], [5, 95]]},
                {"key": "cv_scores", "type": "JSON", "jsonValue": [0.91, 0.92, 0.9]},
                {"key": "shap_summary", "type": "JSON", "jsonValue": {"tenure": 0.4}},
                {"key": "lime_report", "type": "STRING", "stringValue": "s3://r/lime.html"},
                {"key": "fairness.demographic_parity", "type": "FLOAT", "floatValue": 0.03},
                {"key": "compliance", "type": "STRING", "stringValue": "GDPR reviewed"},
                {"key": "notes", "type": "STRING", "stringValue": "ship it"},
            ],
            "customProperties": [
                {"key": "ticket", "type": "STRING", "stringValue": "ML-42"},
                {"key": "priority", "type": "INT", "intValue": 2},
                {"key": "shadow", "type": "BOOL", "boolValue": True},
            ],
            "metrics": [
                {"key": "validation_accuracy", "value": 0.92},
                {"key": "inference_latency_p99_ms", "value": 12.0},
            ],
        },
        "artifact": {
            "uri": "s3://models/churn/v1",
            "modelFormatName": "xgboost",
            "modelFormatVersion": "2",
            "sizeBytes": "5000000",
            "digest": "sha256:bb",
        },
        "training": {
            "status": "COMPLETED",
            "startTime": 1_700_000_000_000,
            "endTime": 1_700_000_360_000,
            "tuningMethod": "BAYESIAN",
            "trials": [{"max_depth": 4, "score": 0.9}, {"max_depth": 6, "score": 0.92}],
            "hyperparameters": [
                {"key": "learning_rate", "type": "FLOAT", "floatValue": 0.1},
                {"key": "max_depth", "type": "INT", "intValue": 6},
                {"key": "objective", "type": "STRING", "stringValue": "binary:logistic"},
            ],
            "metrics": [
                {"key": "log_loss", "value": 0.5, "step": 1},
                {"key": "log_loss", "value": 0.3, "step": 2},
                {"key": "accuracy", "value": 0.93, "step": 2},
            ],
            "environment": [
                {"key": "hardware", "value": "1x A100"},
                {"key": "cloud", "value": "aws"},
                {"key": "os", "value": "ubuntu 22.04"},
                {"key": "pythonVersion", "value": "3.11.9"},
                {"key": "framework", "value": "xgboost 2.0.3"},
            ],
            "libraries": ["xgboost==2.0.3", "pandas==2.2.2"],
            "datasets": [{"datasetName": "churn-features", "version": "v1"}],
        },
    }


async def _register(client: httpx.AsyncClient) -> dict[str, Any]:
    ds = await gql(client, DATASET)
    dataset_id = ds["data"]["createDataset"]["id"]  # type: ignore[index]
    await gql(client, DATASET_VERSION, {"id": dataset_id})
    body = await gql(client, REGISTER, {"input": _registration()}, user="alice")
    assert "errors" not in body, body
    out: dict[str, Any] = body["data"]["registerModel"]  # type: ignore[index]
    return out


async def _read(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql(client, query, variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    return data


def _typed(items: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for item in items:
        value = next(
            item[k]
            for k in ("stringValue", "intValue", "floatValue", "boolValue", "jsonValue")
            if item.get(k) is not None
        )
        out[item["key"]] = (item["type"], value)
    return out


async def test_general(client: httpx.AsyncClient) -> None:
    await _register(client)
    data = await _read(
        client,
        """{ modelVersion(modelName: "churn", versionName: "v1") {
              name description tags framework modelType
              model { name description framework modelType tags }
              artifacts { ... on ModelArtifact { uri modelFormatName modelFormatVersion
                                                  sizeBytes digest } } } }""",
    )
    mv = data["modelVersion"]
    assert (mv["name"], mv["description"], mv["tags"]) == ("v1", "first version", ["candidate"])
    assert mv["model"] == {
        "name": "churn",
        "description": "churn model",
        "framework": "xgboost",
        "modelType": "classification",
        "tags": ["churn"],
    }
    assert mv["artifacts"] == [
        {
            "uri": "s3://models/churn/v1",
            "modelFormatName": "xgboost",
            "modelFormatVersion": "2",
            "sizeBytes": 5_000_000,
            "digest": "sha256:bb",
        }
    ]


async def test_owner_and_governance(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    await gql(
        client,
        'mutation($id: ID!) { transitionStage(versionId: $id, to: STAGING, comment: "ok") '
        "{ stage } }",
        {"id": ids["version"]["id"]},
        user="bob",
    )
    data = await _read(
        client,
        """query($id: ID!) { modelVersion(id: $id) { author updatedBy createdAt updatedAt stage
             vcsCommit vcsRepoUrl vcsBranch model { owner author }
             stageHistory { fromStage toStage by at comment } } }""",
        id=ids["version"]["id"],
    )
    mv = data["modelVersion"]
    assert (mv["author"], mv["updatedBy"], mv["stage"]) == ("alice", "bob", "STAGING")
    assert mv["updatedAt"] >= mv["createdAt"] > 0
    assert (mv["vcsCommit"], mv["vcsRepoUrl"], mv["vcsBranch"]) == (
        "abc123",
        "https://git.example.com/churn",
        "main",
    )
    assert mv["model"] == {"owner": "team-risk", "author": "alice"}
    [transition] = mv["stageHistory"]
    assert transition["fromStage"] == "DEVELOPMENT" and transition["toStage"] == "STAGING"
    assert (transition["by"], transition["comment"]) == ("bob", "ok")


async def test_training_data(client: httpx.AsyncClient) -> None:
    await _register(client)
    data = await _read(
        client,
        """{ datasetVersion(datasetName: "churn-features", version: "v1") {
              name rows bytes digest uri format featureNames
              features { name type importance } dataset { name owner sourceUri } } }""",
    )
    dv = data["datasetVersion"]
    assert (dv["rows"], dv["bytes"], dv["digest"]) == (2_500_000, 9_000_000_000, "sha256:aa")
    assert dv["featureNames"] == ["tenure", "spend"]
    assert dv["features"][0] == {"name": "tenure", "type": "int", "importance": 0.4}
    assert dv["dataset"] == {"name": "churn-features", "owner": "team-data", "sourceUri": "s3://f"}
    runs = await _read(
        client,
        """{ executions(filter: {field: TYPE, op: EQ, value: "TRAINING"}) {
              nodes { type status startTime endTime } } }""",
    )
    assert runs["executions"]["nodes"] == [
        {
            "type": "TRAINING",
            "status": "COMPLETED",
            "startTime": 1_700_000_000_000,
            "endTime": 1_700_000_360_000,
        }
    ]


async def test_performance_metrics(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    data = await _read(
        client,
        """query($v: ID!, $x: ID!) {
             modelVersion(id: $v) { metrics { key value } inferenceLatencyMs modelSizeBytes
                                    trainingTimeMs metadata { key type jsonValue } }
             execution(id: $x) { metrics { key value }
                                 metricHistory(key: "log_loss") { key value step } } }""",
        v=ids["version"]["id"],
        x=ids["execution"]["id"],
    )
    mv, run = data["modelVersion"], data["execution"]
    assert {m["key"]: m["value"] for m in mv["metrics"]} == {
        "inference_latency_p99_ms": 12.0,
        "validation_accuracy": 0.92,
    }
    assert (mv["inferenceLatencyMs"], mv["modelSizeBytes"], mv["trainingTimeMs"]) == (
        3.5,
        5_000_000,
        360_000,
    )
    meta = {m["key"]: m for m in mv["metadata"]}
    assert meta["confusion_matrix"]["jsonValue"] == [[90, 10], [5, 95]]
    assert meta["cv_scores"]["jsonValue"] == [0.91, 0.92, 0.9]
    assert {m["key"]: m["value"] for m in run["metrics"]} == {"accuracy": 0.93, "log_loss": 0.3}
    assert [(p["value"], p["step"]) for p in run["metricHistory"]] == [(0.5, 1), (0.3, 2)]


async def test_hyperparameters(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    data = await _read(
        client,
        """query($x: ID!) { execution(id: $x) { tuningMethod trials
             hyperparameters { key type stringValue intValue floatValue } } }""",
        x=ids["execution"]["id"],
    )
    run = data["execution"]
    assert run["tuningMethod"] == "BAYESIAN"
    assert run["trials"][1] == {"max_depth": 6, "score": 0.92}
    assert _typed(run["hyperparameters"]) == {
        "learning_rate": ("FLOAT", 0.1),
        "max_depth": ("INT", 6),
        "objective": ("STRING", "binary:logistic"),
    }


async def test_compliance_and_explainability(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    data = await _read(
        client,
        """query($v: ID!) { modelVersion(id: $v) {
             metadata { key type stringValue floatValue jsonValue } } }""",
        v=ids["version"]["id"],
    )
    meta = _typed(data["modelVersion"]["metadata"])
    assert meta["shap_summary"] == ("JSON", {"tenure": 0.4})
    assert meta["lime_report"] == ("STRING", "s3://r/lime.html")
    assert meta["fairness.demographic_parity"] == ("FLOAT", 0.03)
    assert meta["compliance"] == ("STRING", "GDPR reviewed")


async def test_environment(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    data = await _read(
        client,
        "query($x: ID!) { execution(id: $x) { environment { key value } libraries } }",
        x=ids["execution"]["id"],
    )
    env = {kv["key"]: kv["value"] for kv in data["execution"]["environment"]}
    assert env == {
        "cloud": "aws",
        "framework": "xgboost 2.0.3",
        "hardware": "1x A100",
        "os": "ubuntu 22.04",
        "pythonVersion": "3.11.9",
    }
    assert data["execution"]["libraries"] == ["xgboost==2.0.3", "pandas==2.2.2"]


async def test_deployment(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    await _read(
        client,
        'mutation { createServingEnvironment(input: {name: "prod", platform: "openshift", '
        'region: "eu-west-1", url: "https://k8s"}) { id } }',
    )
    data = await _read(
        client,
        """mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "prod",
             deploymentName: "churn-prod", input: {endpoint: "https://churn/predict",
             runtime: "kserve", minReplicas: 2, maxReplicas: 5, autoscaling: true,
             scaling: {targetCpu: 70}, monitoringLinks: ["https://grafana/churn"],
             inferenceLatencyMs: 4.5}) {
               name status endpoint runtime minReplicas maxReplicas autoscaling scaling
               monitoringLinks inferenceLatencyMs
               servingEnvironment { name platform region url } } }""",
        v=ids["version"]["id"],
    )
    dep = data["deploy"]
    assert dep["status"] == "RUNNING" and dep["scaling"] == {"targetCpu": 70}
    assert (dep["minReplicas"], dep["maxReplicas"], dep["autoscaling"]) == (2, 5, True)
    assert dep["monitoringLinks"] == ["https://grafana/churn"]
    assert dep["servingEnvironment"] == {
        "name": "prod",
        "platform": "openshift",
        "region": "eu-west-1",
        "url": "https://k8s",
    }


async def test_custom(client: httpx.AsyncClient) -> None:
    ids = await _register(client)
    vid = ids["version"]["id"]
    data = await _read(
        client,
        "query($v: ID!) { node(id: $v) { tags customProperties { key type stringValue "
        "intValue boolValue } metadata { key stringValue } } }",
        v=vid,
    )
    node = data["node"]
    assert node["tags"] == ["candidate"]
    assert _typed(node["customProperties"]) == {
        "priority": ("INT", 2),
        "shadow": ("BOOL", True),
        "ticket": ("STRING", "ML-42"),
    }
    assert {"key": "notes", "stringValue": "ship it"} in node["metadata"]
