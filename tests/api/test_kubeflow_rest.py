"""Kubeflow-compatible REST over plain HTTP: shapes, listing, errors, PATCH, every resource."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from modelgraph.domain.graph import Label
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import listing
from modelgraph.store.db import Database
from modelgraph.store.listing import ListRequest
from tests.factories import create_entities

V1 = "/api/model_registry/v1"
V1A3 = "/api/model_registry/v1alpha3"


async def post(http: httpx.AsyncClient, path: str, body: dict[str, Any], status: int = 201) -> Any:
    response = await http.post(V1 + path, json=body)
    assert response.status_code == status, response.text
    return response.json()


async def get(http: httpx.AsyncClient, path: str, status: int = 200, **params: Any) -> Any:
    response = await http.get(V1 + path, params=params)
    assert response.status_code == status, response.text
    return response.json()


def sv(text: str) -> dict[str, str]:
    return {"metadataType": "MetadataStringValue", "string_value": text}


async def test_shapes_and_typed_custom_properties(client: httpx.AsyncClient) -> None:
    struct = base64.b64encode(json.dumps({"a": [1, 2]}).encode()).decode()
    custom = {
        "s": sv("x"),
        "i": {"metadataType": "MetadataIntValue", "int_value": "42"},
        "d": {"metadataType": "MetadataDoubleValue", "double_value": 0.5},
        "b": {"metadataType": "MetadataBoolValue", "bool_value": False},
        "j": {"metadataType": "MetadataStructValue", "struct_value": struct},
        "p": {"metadataType": "MetadataProtoValue", "type": "t/x", "proto_value": "AAE="},
    }
    body = {
        "name": "shapes",
        "description": "d",
        "externalId": "e-1",
        "customProperties": custom,
        "language": ["en"],
        "tasks": ["classification"],
        "license": "apache-2.0",
        "owner": "o",
    }
    rm = await post(client, "/registered_models", body)
    assert rm["id"].isdigit() and rm["state"] == "LIVE"
    assert rm["createTimeSinceEpoch"].isdigit()
    assert rm["createTimeSinceEpoch"] == rm["lastUpdateTimeSinceEpoch"]
    assert rm["language"] == ["en"] and rm["license"] == "apache-2.0" and rm["owner"] == "o"
    assert rm["customProperties"]["i"] == {"metadataType": "MetadataIntValue", "int_value": "42"}
    assert rm["customProperties"]["d"]["double_value"] == 0.5
    assert rm["customProperties"]["b"]["bool_value"] is False
    decoded = base64.b64decode(rm["customProperties"]["j"]["struct_value"])
    assert json.loads(decoded) == {"a": [1, 2]}
    assert rm["customProperties"]["p"] == custom["p"]
    again = await get(client, f"/registered_models/{rm['id']}")
    assert again == rm
    # Both prefixes serve the same registry.
    alpha = await client.get(f"{V1A3}/registered_models/{rm['id']}")
    assert alpha.status_code == 200 and alpha.json() == rm


async def test_errors(client: httpx.AsyncClient) -> None:
    rm = await post(client, "/registered_models", {"name": "e"})
    checks = [
        ("GET", "/registered_models/999999", None, 404),
        ("GET", "/registered_models/not-a-number", None, 404),
        ("POST", "/registered_models", {"name": "e"}, 409),
        ("POST", "/registered_models", {}, 400),
        ("POST", "/registered_models", {"name": 5}, 400),
        ("POST", "/registered_models", {"name": "x", "customProperties": {"k": {}}}, 400),
        (
            "POST",
            "/registered_models",
            {
                "name": "x",
                "customProperties": {
                    "k": sv("a") | {"metadataType": "MetadataIntValue", "int_value": "1.5"}
                },
            },
            400,
        ),
        ("POST", "/model_versions", {"name": "v"}, 400),
        ("POST", "/model_versions", {"name": "v", "registeredModelId": "424242"}, 404),
        ("PATCH", f"/registered_models/{rm['id']}", {"state": "GONE"}, 400),
        ("GET", "/registered_models?orderBy=NAME", None, 400),
        ("GET", "/registered_models?sortOrder=UP", None, 400),
        ("GET", "/registered_models?pageSize=0", None, 400),
        ("GET", "/registered_models?pageSize=abc", None, 400),
        ("GET", "/registered_models?nextPageToken=%25%25garbage", None, 400),
        ("GET", "/registered_models?filterQuery=name%20%3D", None, 400),
        ("GET", "/registered_model", None, 400),
        ("GET", "/registered_model?name=nope", None, 404),
        ("GET", "/artifacts?artifactType=video", None, 400),
    ]
    for method, path, body, status in checks:
        response = await client.request(method, V1 + path, json=body)
        assert response.status_code == status, (method, path, response.text)
        if status != 200:
            error = response.json()
            assert set(error) == {"code", "message"} and error["message"]
    raw = await client.post(
        V1 + "/registered_models",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert raw.status_code == 400


async def test_token_from_another_ordering_is_rejected(client: httpx.AsyncClient) -> None:
    for index in range(3):
        await post(client, "/registered_models", {"name": f"t{index}"})
    page = await get(client, "/registered_models", pageSize="1", orderBy="CREATE_TIME")
    assert page["nextPageToken"] and page["size"] == 1 and page["pageSize"] == 1
    await get(client, "/registered_models", 400, pageSize="1", nextPageToken=page["nextPageToken"])
    # Pages larger than 100 are served 100 at a time.
    assert (await get(client, "/registered_models", pageSize="5000"))["pageSize"] == 100


async def test_paging_is_stable_while_items_are_added(client: httpx.AsyncClient) -> None:
    for index in range(6):
        await post(client, "/registered_models", {"name": f"p{index}"})
    seen: list[str] = []
    token = ""
    added = 0
    while True:
        page = await get(client, "/registered_models", pageSize="2", nextPageToken=token)
        seen += [item["name"] for item in page["items"]]
        if added < 2:
            await post(client, "/registered_models", {"name": f"late{added}"})
            added += 1
        token = page["nextPageToken"]
        if not token:
            break
    assert seen == [f"p{i}" for i in range(6)] + ["late0", "late1"]


async def test_filter_query(client: httpx.AsyncClient) -> None:
    rows = [
        ("alpha", "onnx", 3, 0.9, True),
        ("beta", "onnx", 7, 0.7, False),
        ("gamma", "pt", 5, 0.95, True),
    ]
    ids = {}
    for name, framework, epochs, acc, ok in rows:
        custom = {
            "framework": sv(framework),
            "epochs": {"metadataType": "MetadataIntValue", "int_value": str(epochs)},
            "acc": {"metadataType": "MetadataDoubleValue", "double_value": acc},
            "ok": {"metadataType": "MetadataBoolValue", "bool_value": ok},
            "my key": sv(name.upper()),
        }
        ids[name] = (
            await post(client, "/registered_models", {"name": name, "customProperties": custom})
        )["id"]
    await client.patch(f"{V1}/registered_models/{ids['beta']}", json={"state": "ARCHIVED"})

    async def names(query: str) -> list[str]:
        page = await get(client, "/registered_models", filterQuery=query)
        return sorted(item["name"] for item in page["items"])

    assert await names("framework.string_value = 'onnx'") == ["alpha", "beta"]
    assert await names("framework <> 'onnx'") == ["gamma"]
    assert await names("framework != 'onnx'") == ["gamma"]
    assert await names("epochs > 4 AND acc >= 0.9") == ["gamma"]
    assert await names("epochs.int_value < '5' OR name = 'beta'") == ["alpha", "beta"]
    assert await names("ok = true AND (name LIKE 'a%' OR name LIKE '%ma')") == ["alpha", "gamma"]
    assert await names("name ILIKE 'ALP%'") == ["alpha"]
    assert await names("name IN ('beta', 'gamma')") == ["beta", "gamma"]
    assert await names("state = 'ARCHIVED'") == ["beta"]
    assert await names("`my key` = 'GAMMA'") == ["gamma"]
    assert await names(f"id = {ids['alpha']}") == ["alpha"]
    assert await names("acc.double_value > 0.8 AND ok.bool_value = 'true'") == ["alpha", "gamma"]


async def test_patch_semantics(client: httpx.AsyncClient) -> None:
    rm = await post(
        client,
        "/registered_models",
        {"name": "patchme", "customProperties": {"a": sv("1"), "b": sv("2")}},
    )
    mv = await post(
        client,
        f"/registered_models/{rm['id']}/versions",
        {"name": "v1", "registeredModelId": rm["id"]},
    )
    assert mv["registeredModelId"] == rm["id"]
    patched = (
        await client.patch(
            f"{V1}/model_versions/{mv['id']}",
            json={
                "name": "renamed",
                "registeredModelId": "1",
                "id": "5",
                "description": "new",
                "customProperties": {"c": sv("3")},
                "state": "ARCHIVED",
            },
        )
    ).json()
    assert patched["name"] == "v1" and patched["id"] == mv["id"]
    assert patched["registeredModelId"] == rm["id"] and patched["description"] == "new"
    assert patched["customProperties"] == {"c": sv("3")} and patched["state"] == "ARCHIVED"
    # Without customProperties the map is kept.
    kept = (
        await client.patch(f"{V1}/registered_models/{rm['id']}", json={"description": "x"})
    ).json()
    assert set(kept["customProperties"]) == {"a", "b"}
    # Archived items keep working.
    assert (await get(client, f"/model_versions/{mv['id']}"))["state"] == "ARCHIVED"
    versions = await get(client, f"/registered_models/{rm['id']}/versions")
    assert [v["state"] for v in versions["items"]] == ["ARCHIVED"]


async def test_artifacts_find_and_upsert(client: httpx.AsyncClient) -> None:
    rm = await post(client, "/registered_models", {"name": "arts"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    base = f"/model_versions/{mv['id']}/artifacts"
    ma = await post(
        client,
        base,
        {"artifactType": "model-artifact", "name": "w", "uri": "s3://w", "state": "LIVE"},
    )
    ds = await post(
        client,
        base,
        {
            "artifactType": "dataset-artifact",
            "name": "train",
            "uri": "s3://d",
            "customProperties": {"datasetName": sv("customers")},
        },
    )
    assert ds["artifactType"] == "dataset-artifact" and ds["state"] == "UNKNOWN"
    # Upsert with an id updates in place (200) and keeps it attached once.
    again = await post(
        client, base, {"artifactType": "model-artifact", "id": ma["id"], "uri": "s3://w2"}, 200
    )
    assert again["id"] == ma["id"] and again["uri"] == "s3://w2" and again["name"] == "w"
    listed = await get(client, base)
    assert sorted(a["name"] for a in listed["items"]) == ["train", "w"]
    only = await get(client, base, artifactType="dataset-artifact")
    assert [a["name"] for a in only["items"]] == ["train"]
    found = await get(client, "/artifact", name="train", parentResourceId=mv["id"])
    assert found["id"] == ds["id"]
    assert (await get(client, "/model_artifact", name="w", parentResourceId=mv["id"]))["id"] == ma[
        "id"
    ]
    await get(client, "/model_artifact", 404, name="train")
    patched = (
        await client.patch(
            f"{V1}/artifacts/{ds['id']}",
            json={"artifactType": "dataset-artifact", "digest": "sha:1"},
        )
    ).json()
    assert patched["digest"] == "sha:1"
    bad = await client.patch(f"{V1}/artifacts/{ds['id']}", json={"artifactType": "metric"})
    assert bad.status_code == 400
    standalone = await post(client, "/model_artifacts", {"name": "loose", "uri": "s3://l"})
    assert (await get(client, f"/model_artifacts/{standalone['id']}"))["uri"] == "s3://l"
    await get(client, f"/model_artifacts/{ds['id']}", 404)


async def test_dataset_artifact_is_a_dataset_version(
    client: httpx.AsyncClient, db: Database
) -> None:
    rm = await post(client, "/registered_models", {"name": "dsm"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    await post(
        client,
        f"/model_versions/{mv['id']}/artifacts",
        {
            "artifactType": "dataset-artifact",
            "name": "jan",
            "uri": "s3://jan",
            "customProperties": {"datasetName": sv("sales")},
        },
    )
    datasets = await listing.list_page(db, ListRequest(kind=Label.DATASET), actor=SYSTEM)
    assert [d["name"] for d in datasets.nodes] == ["sales"]
    versions = await listing.list_page(
        db, ListRequest(kind=Label.DATASET_VERSION, parent_id=datasets.nodes[0]["id"]), actor=SYSTEM
    )
    assert [(v["name"], v["uri"]) for v in versions.nodes] == [("jan", "s3://jan")]


async def test_graph_entities_are_visible_through_rest(
    client: httpx.AsyncClient, db: Database
) -> None:
    [model_id] = await create_entities(
        db, Label.REGISTERED_MODEL, [{"name": "from-graphql", "owner": "g"}]
    )
    await create_entities(db, Label.MODEL_VERSION, [{"name": "g1", "parentId": model_id}])
    found = await get(client, "/registered_model", name="from-graphql")
    assert found["id"].isdigit() and found["owner"] == "g"
    versions = await get(client, f"/registered_models/{found['id']}/versions")
    assert [(v["name"], v["registeredModelId"]) for v in versions["items"]] == [("g1", found["id"])]


async def test_serving_and_inference_services(client: httpx.AsyncClient) -> None:
    rm = await post(client, "/registered_models", {"name": "served"})
    v1 = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    v2 = await post(client, "/model_versions", {"name": "v2", "registeredModelId": rm["id"]})
    env = await post(client, "/serving_environments", {"name": "prod"})
    assert (await get(client, "/serving_environment", name="prod"))["id"] == env["id"]
    svc = await post(
        client,
        f"/serving_environments/{env['id']}/inference_services",
        {
            "name": "churn-prod",
            "registeredModelId": rm["id"],
            "modelVersionId": v1["id"],
            "servingEnvironmentId": env["id"],
            "runtime": "kserve",
        },
    )
    assert svc["desiredState"] == "DEPLOYED" and svc["servingEnvironmentId"] == env["id"]
    assert (await get(client, f"/inference_services/{svc['id']}/version"))["name"] == "v1"
    assert (await get(client, f"/inference_services/{svc['id']}/model"))["name"] == "served"
    moved = (
        await client.patch(
            f"{V1}/inference_services/{svc['id']}", json={"modelVersionId": v2["id"]}
        )
    ).json()
    assert moved["modelVersionId"] == v2["id"] and moved["registeredModelId"] == rm["id"]
    assert (await get(client, f"/inference_services/{svc['id']}/version"))["name"] == "v2"
    serve = await post(
        client,
        f"/inference_services/{svc['id']}/serves",
        {
            "modelVersionId": v1["id"],
            "lastKnownState": "RUNNING",
            "customProperties": {"why": sv("rollback")},
        },
    )
    assert serve["modelVersionId"] == v1["id"] and serve["customProperties"]["why"] == sv(
        "rollback"
    )
    # A serve record is a DEPLOYED_AS edge (serving.deploy_tx): the service now serves v1.
    assert (await get(client, f"/inference_services/{svc['id']}/version"))["name"] == "v1"
    serves = await get(client, f"/inference_services/{svc['id']}/serves", orderBy="CREATE_TIME")
    # DEPLOYED_AS history: v1 (create), v2 (patch), v1 again (serve record).
    assert [s["modelVersionId"] for s in serves["items"]] == [v1["id"], v2["id"], v1["id"]]
    assert (await get(client, f"/inference_services/{svc['id']}/serves", pageSize="1"))[
        "nextPageToken"
    ]
    await post(
        client, f"/inference_services/{svc['id']}/serves", {"lastKnownState": "RUNNING"}, 400
    )
    await post(client, "/inference_services/777777/serves", {"modelVersionId": v1["id"]}, 404)
    listed = await get(client, f"/serving_environments/{env['id']}/inference_services")
    assert [s["name"] for s in listed["items"]] == ["churn-prod"]
    await post(
        client,
        "/inference_services",
        {"name": "x", "registeredModelId": "99999", "servingEnvironmentId": env["id"]},
        404,
    )
    await post(
        client,
        "/inference_services",
        {
            "name": "x",
            "registeredModelId": rm["id"],
            "servingEnvironmentId": env["id"],
            "desiredState": "MAYBE",
        },
        400,
    )


async def test_experiments_runs_and_metric_history(client: httpx.AsyncClient) -> None:
    exp = await post(client, "/experiments", {"name": "churn-exp", "owner": "ds"})
    assert (await get(client, "/experiment", name="churn-exp"))["id"] == exp["id"]
    run = await post(
        client,
        f"/experiments/{exp['id']}/experiment_runs",
        {"name": "run-1", "experimentId": exp["id"], "startTimeSinceEpoch": "1700000000000"},
    )
    assert run["experimentId"] == exp["id"] and run["status"] == "RUNNING"
    assert run["startTimeSinceEpoch"] == "1700000000000"
    base = f"/experiment_runs/{run['id']}/artifacts"
    for step, value in enumerate([0.9, 0.6, 0.4]):
        await post(
            client,
            base,
            {"artifactType": "metric", "name": "loss", "value": value, "step": str(step)},
        )
    await post(
        client,
        base,
        {"artifactType": "parameter", "name": "lr", "value": "0.01", "parameterType": "number"},
    )
    await post(
        client, base, {"artifactType": "dataset-artifact", "name": "train-set", "uri": "s3://t"}
    )
    history = await get(
        client, f"/experiment_runs/{run['id']}/metric_history", orderBy="CREATE_TIME"
    )
    assert [(m["step"], m["value"]) for m in history["items"]] == [
        ("0", 0.9),
        ("1", 0.6),
        ("2", 0.4),
    ]
    params = await get(client, base, artifactType="parameter")
    assert [(p["name"], p["value"], p["parameterType"]) for p in params["items"]] == [
        ("lr", "0.01", "number")
    ]
    everything = await get(client, base, pageSize="2")
    assert everything["size"] == 2 and everything["nextPageToken"]
    finished = (
        await client.patch(
            f"{V1}/experiment_runs/{run['id']}",
            json={"status": "FINISHED", "endTimeSinceEpoch": "1700000001000"},
        )
    ).json()
    assert finished["status"] == "FINISHED" and finished["endTimeSinceEpoch"] == "1700000001000"
    runs = await get(client, f"/experiments/{exp['id']}/experiment_runs")
    assert [r["name"] for r in runs["items"]] == ["run-1"]
    await get(client, "/experiment_runs/123456/metric_history", 404)
    await post(client, "/experiment_runs", {"name": "orphan"}, 400)


async def test_metric_history_across_runs(client: httpx.AsyncClient) -> None:
    exp = await post(client, "/experiments", {"name": "sweep"})
    runs = [
        await post(client, "/experiment_runs", {"name": n, "experimentId": exp["id"]})
        for n in ("run-a", "run-b")
    ]
    points = {runs[0]["id"]: [("loss", 0.9), ("loss", 0.5), ("loss", 0.3)], runs[1]["id"]: []}
    points[runs[1]["id"]] = [("loss", 0.8), ("loss", 0.6), ("acc", 0.7)]
    for run_id, series in points.items():
        for step, (name, value) in enumerate(series):
            await post(
                client,
                f"/experiment_runs/{run_id}/artifacts",
                {"artifactType": "metric", "name": name, "value": value, "step": step},
            )
    # A model version's metric is not an experiment-run metric.
    rm = await post(client, "/registered_models", {"name": "mh-model"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    await post(
        client,
        f"/model_versions/{mv['id']}/artifacts",
        {"artifactType": "metric", "name": "loss", "value": 0.1},
    )

    def seen(page: Any) -> list[tuple[str, str, str, float]]:
        return sorted(
            (m["experimentRunId"], m["name"], m["step"], m["value"]) for m in page["items"]
        )

    a, b = runs[0]["id"], runs[1]["id"]
    every = await get(client, "/experiment_runs/metric_history")
    assert every["size"] == 6
    assert {m["experimentId"] for m in every["items"]} == {exp["id"]}
    assert all(m["artifactType"] == "metric" for m in every["items"])
    loss = await get(client, "/experiment_runs/metric_history", name="loss")
    assert seen(loss) == [
        (a, "loss", "0", 0.9),
        (a, "loss", "1", 0.5),
        (a, "loss", "2", 0.3),
        (b, "loss", "0", 0.8),
        (b, "loss", "1", 0.6),
    ]
    stepped = await get(client, "/experiment_runs/metric_history", stepIds="1,2")
    assert seen(stepped) == [
        (a, "loss", "1", 0.5),
        (a, "loss", "2", 0.3),
        (b, "acc", "2", 0.7),
        (b, "loss", "1", 0.6),
    ]
    of_b = await get(
        client, "/experiment_runs/metric_history", filterQuery=f"experimentRunId = {b}"
    )
    assert seen(of_b) == [(b, "acc", "2", 0.7), (b, "loss", "0", 0.8), (b, "loss", "1", 0.6)]
    both = await get(
        client,
        "/experiment_runs/metric_history",
        filterQuery=f"experimentRunId IN ({a}, {b}) AND value > 0.55",
        name="loss",
    )
    assert seen(both) == [(a, "loss", "0", 0.9), (b, "loss", "0", 0.8), (b, "loss", "1", 0.6)]
    quoted = await get(
        client, "/experiment_runs/metric_history", filterQuery=f"experimentRunId = '{a}'"
    )
    assert quoted["size"] == 3
    for query in (f"experimentId = {exp['id']}", f"experimentId = '{exp['id']}'"):
        found = await get(client, "/experiment_runs", filterQuery=query)
        assert sorted(r["name"] for r in found["items"]) == ["run-a", "run-b"], query
    # Pages across runs.
    first = await get(client, "/experiment_runs/metric_history", pageSize="4", orderBy="ID")
    rest = await get(
        client,
        "/experiment_runs/metric_history",
        pageSize="4",
        orderBy="ID",
        nextPageToken=first["nextPageToken"],
    )
    assert first["size"] == 4 and rest["size"] == 2 and rest["nextPageToken"] == ""
    assert len({m["id"] for m in first["items"] + rest["items"]}) == 6
    # The one-run history takes the same narrowing.
    one = await get(client, f"/experiment_runs/{b}/metric_history", name="loss", stepIds="1")
    assert seen(one) == [(b, "loss", "1", 0.6)]
    await get(client, "/experiment_runs/metric_history", 400, stepIds="1,x")
    await get(client, f"/experiment_runs/{a}/metric_history", 400, stepIds="-1")
    await get(client, f"/experiment_runs/{mv['id']}/metric_history", 404)


async def test_run_fields_follow_the_upstream_schemas(client: httpx.AsyncClient) -> None:
    """parameterType defaults to string; a run's start time is create-only; artifacts listed
    under a run name it and its experiment, a version's do not."""
    exp = await post(client, "/experiments", {"name": "p-exp"})
    run = await post(
        client,
        "/experiment_runs",
        {"name": "p-run", "experimentId": exp["id"], "startTimeSinceEpoch": "1700000000000"},
    )
    patched = await client.patch(
        f"{V1}/experiment_runs/{run['id']}",
        json={"startTimeSinceEpoch": "1800000000000", "owner": "ana"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["startTimeSinceEpoch"] == "1700000000000"
    assert patched.json()["owner"] == "ana"
    made = await post(
        client,
        f"/experiment_runs/{run['id']}/artifacts",
        {"artifactType": "parameter", "name": "optimizer", "value": "adam"},
    )
    assert made["parameterType"] == "string" and made["value"] == "adam"
    assert (await get(client, f"/artifacts/{made['id']}"))["parameterType"] == "string"
    listed = await get(client, f"/experiment_runs/{run['id']}/artifacts")
    assert [(a["experimentRunId"], a["experimentId"]) for a in listed["items"]] == [
        (run["id"], exp["id"])
    ]
    rm = await post(client, "/registered_models", {"name": "p-model"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    await post(
        client,
        f"/model_versions/{mv['id']}/artifacts",
        {"artifactType": "doc-artifact", "uri": "u"},
    )
    (doc,) = (await get(client, f"/model_versions/{mv['id']}/artifacts"))["items"]
    assert "experimentRunId" not in doc and "experimentId" not in doc


async def test_run_artifacts_put_the_run_in_the_version_lineage(
    client: httpx.AsyncClient,
) -> None:
    from tests.conftest import gql

    rm = await post(client, "/registered_models", {"name": "kf-lineage"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    exp = await post(client, "/experiments", {"name": "kf-lineage-exp"})
    run = await post(
        client,
        f"/experiments/{exp['id']}/experiment_runs",
        {"name": "kf-run", "experimentId": exp["id"]},
    )
    run_base = f"/experiment_runs/{run['id']}/artifacts"
    await post(
        client,
        run_base,
        {
            "artifactType": "dataset-artifact",
            "name": "kf-train",
            "uri": "s3://kf/train",
            "customProperties": {"datasetName": sv("kf-data")},
        },
    )
    model = await post(
        client, run_base, {"artifactType": "model-artifact", "name": "kf-w", "uri": "s3://kf/w"}
    )
    await post(
        client,
        f"/model_versions/{mv['id']}/artifacts",
        {"artifactType": "model-artifact", "id": model["id"]},
        200,
    )
    body = await gql(client, '{ trace(ref: "kf-lineage:v1") { nodes { kind name distance } } }')
    assert "errors" not in body, body
    nodes = body["data"]["trace"]["nodes"]  # type: ignore[index]
    by_kind = {n["kind"]: n for n in nodes}
    assert by_kind["Execution"]["name"] == "kf-run" and by_kind["Execution"]["distance"] == 1
    assert by_kind["DatasetVersion"]["distance"] == 2


async def test_openapi_document_is_served(client: httpx.AsyncClient) -> None:
    import yaml

    for prefix in (V1, V1A3):
        response = await client.get(prefix + "/openapi.yaml")
        assert response.status_code == 200
        doc = yaml.safe_load(response.text)
        assert doc["openapi"].startswith("3.")
        assert "/api/model_registry/v1/registered_models" in doc["paths"]


@pytest.mark.parametrize("prefix", [V1, V1A3])
async def test_unknown_path_is_404(client: httpx.AsyncClient, prefix: str) -> None:
    response = await client.get(prefix + "/nothing_here")
    assert response.status_code == 404


def test_openapi_document_matches_the_routes() -> None:
    """Every served route is documented and every documented path is served."""
    from pathlib import Path

    import yaml

    from modelgraph.rest import routes

    doc = yaml.safe_load(Path(routes.OPENAPI_FILE).read_text())
    documented = {
        (path.removeprefix(V1), method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method != "parameters"
    }
    served = {(r.path, m) for r in routes._routes() for m in (r.methods or ()) if m != "HEAD"}
    assert documented == served


async def test_archived_parents_refuse_children(client: httpx.AsyncClient) -> None:
    rm = await post(client, "/registered_models", {"name": "old"})
    mv = await post(client, "/model_versions", {"name": "v1", "registeredModelId": rm["id"]})
    env = await post(client, "/serving_environments", {"name": "env"})
    await client.patch(f"{V1}/model_versions/{mv['id']}", json={"state": "ARCHIVED"})
    await client.patch(f"{V1}/registered_models/{rm['id']}", json={"state": "ARCHIVED"})
    await post(client, "/model_versions", {"name": "v2", "registeredModelId": rm["id"]}, 409)
    art = {"artifactType": "doc-artifact", "name": "d", "uri": "s3://d"}
    await post(client, f"/model_versions/{mv['id']}/artifacts", art, 409)
    service = {"name": "s", "registeredModelId": rm["id"], "servingEnvironmentId": env["id"]}
    await post(client, "/inference_services", {**service, "modelVersionId": mv["id"]}, 409)
    undeployed = {**service, "modelVersionId": mv["id"], "desiredState": "UNDEPLOYED"}
    created = await post(client, "/inference_services", undeployed)
    assert created["desiredState"] == "UNDEPLOYED"
    await post(
        client, f"/inference_services/{created['id']}/serves", {"modelVersionId": mv["id"]}, 409
    )
    # Archived items still read and update.
    assert (await get(client, f"/model_versions/{mv['id']}"))["state"] == "ARCHIVED"
    live = await client.patch(f"{V1}/model_versions/{mv['id']}", json={"state": "LIVE"})
    assert live.json()["state"] == "LIVE"


async def test_rest_model_is_visible_in_graphql(client: httpx.AsyncClient) -> None:
    from tests.conftest import gql

    rm = await post(client, "/registered_models", {"name": "both-ways", "owner": "kf"})
    mv = await post(
        client,
        "/model_versions",
        {
            "name": "v1",
            "registeredModelId": rm["id"],
            "customProperties": {"epochs": {"metadataType": "MetadataIntValue", "int_value": "9"}},
        },
    )
    base = f"/model_versions/{mv['id']}/artifacts"
    await post(client, base, {"artifactType": "model-artifact", "name": "w", "uri": "s3://w"})
    await post(client, base, {"artifactType": "metric", "name": "auc", "value": 0.88})
    body = await gql(
        client,
        """query($name: String) { registeredModel(name: $name) { owner versions {
             name customProperties { key type intValue } metrics { key value }
             artifacts { ... on ModelArtifact { uri } } } } }""",
        {"name": "both-ways"},
    )
    assert "errors" not in body, body
    model = body["data"]["registeredModel"]  # type: ignore[index]
    assert model["owner"] == "kf"
    [version] = model["versions"]
    assert version["name"] == "v1"
    assert version["customProperties"] == [{"key": "epochs", "type": "INT", "intValue": 9}]
    assert version["metrics"] == [{"key": "auc", "value": 0.88}]
    assert version["artifacts"] == [{"uri": "s3://w"}]
    staged = await gql(
        client,
        """{ modelVersions(first: 10, filter: {field: STAGE, op: EQ, value: "DEVELOPMENT"}) {
             nodes { name } } }""",
    )
    assert staged["data"] == {"modelVersions": {"nodes": [{"name": "v1"}]}}, staged


async def test_graphql_model_is_visible_through_rest(client: httpx.AsyncClient) -> None:
    from tests.conftest import gql

    body = await gql(
        client,
        """mutation { createRegisteredModel(input: {name: "from-gql", owner: "g",
             customProperties: [{key: "team", type: STRING, stringValue: "risk"}]}) { id } }""",
    )
    assert "errors" not in body, body
    found = await get(client, "/registered_model", name="from-gql")
    assert found["id"].isdigit() and found["owner"] == "g"
    assert found["customProperties"] == {"team": sv("risk")}
    assert (await get(client, f"/registered_models/{found['id']}"))["name"] == "from-gql"


async def test_graphql_deployment_is_an_inference_service(client: httpx.AsyncClient) -> None:
    from tests.conftest import gql

    made = await gql(
        client,
        """mutation { createRegisteredModel(input: {name: "gm"}) { id } }""",
    )
    model_id = made["data"]["createRegisteredModel"]["id"]  # type: ignore[index]
    version = await gql(
        client,
        """mutation($m: ID!) { createModelVersion(modelId: $m, input: {name: "v1"}) { id } }""",
        {"m": model_id},
    )
    version_id = version["data"]["createModelVersion"]["id"]  # type: ignore[index]
    await gql(client, """mutation { createServingEnvironment(input: {name: "genv"}) { id } }""")
    deployed = await gql(
        client,
        """mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "genv",
             deploymentName: "gsvc") { id } }""",
        {"v": version_id},
    )
    assert "errors" not in deployed, deployed
    service = await get(client, "/inference_service", name="gsvc")
    rm = await get(client, "/registered_model", name="gm")
    assert service["registeredModelId"] == rm["id"]
    assert (await get(client, f"/inference_services/{service['id']}/version"))["name"] == "v1"
    serves = await get(client, f"/inference_services/{service['id']}/serves")
    assert [s["modelVersionId"] for s in serves["items"]] == [service["modelVersionId"]]
    assert serves["items"][0]["lastKnownState"] == "RUNNING"
