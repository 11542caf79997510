"""One registry seen through every face: what one face writes, the others read, in one shape.

Each divergence issue 9 found (REST 500 on graph-created nodes, anonymous author, updatedAt,
ARCHIVED codes, undeploy actor, duplicate redeploy history, author via PATCH, names with
whitespace, runs without experimentId) has a test here, and a contract test runs the same
scenario through GraphQL and through REST and compares the graph both leave behind.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from neo4j import AsyncManagedTransaction

from modelgraph.domain.graph import Label
from modelgraph.domain.ids import now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store import admin, bulk
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record
from tests.conftest import gql

V1 = "/api/model_registry/v1"
USER = {"x-modelgraph-user": "alice"}
_NODES = query("testing/contract_nodes")
_EDGES = query("testing/contract_edges")


async def rest(
    http: httpx.AsyncClient, method: str, path: str, body: Any = None, status: int = 200
) -> Any:
    response = await http.request(method, V1 + path, json=body, headers=USER)
    assert response.status_code == status, response.text
    return response.json()


async def ok(http: httpx.AsyncClient, document: str, **variables: Any) -> dict[str, Any]:
    body = await gql(http, document, variables, user="alice")
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    return data


async def error_code(http: httpx.AsyncClient, document: str, **variables: Any) -> str:
    body = await gql(http, document, variables, user="alice")
    errors: list[dict[str, Any]] = body["errors"]  # type: ignore[assignment]
    return str(errors[0]["extensions"]["code"])


async def graph_state(db: Database) -> tuple[list[Record], list[Record]]:
    """Every entity and edge, without ids and times: what a face must leave behind."""

    async def work(tx: AsyncManagedTransaction) -> tuple[list[Record], list[Record]]:
        nodes = await db.fetch(tx, "testing/contract_nodes", _NODES)
        edges = await db.fetch(tx, "testing/contract_edges", _EDGES)
        return [dict(r["node"]) for r in nodes], [dict(r["edge"]) for r in edges]

    return await db.read(work)


CREATE_MODEL = """mutation($name: String!) {
  createRegisteredModel(input: {name: $name, owner: "o", description: "d"}) { id } }"""
CREATE_VERSION = """mutation($m: ID!, $name: String!) {
  createModelVersion(modelId: $m, input: {name: $name}) { id } }"""
UPDATE_MODEL = """mutation($id: ID!) {
  updateRegisteredModel(id: $id, input: {description: "d2"}) { id } }"""
CREATE_ENV = """mutation { createServingEnvironment(input: {name: "prod"}) { id } }"""
DEPLOY = """mutation($v: ID!) {
  deploy(versionId: $v, servingEnvironment: "prod", deploymentName: "svc") { id } }"""
UNDEPLOY = """mutation($d: ID!) { undeploy(deploymentId: $d) { id } }"""
ARCHIVE = """mutation($id: ID!) { archive(id: $id) { id } }"""
CREATE_EXPERIMENT = """mutation { createExperiment(input: {name: "exp", owner: "o"}) { id } }"""
CREATE_RUN = """mutation($x: ID!) {
  createExecution(experimentId: $x, input: {name: "run", type: TRAINING, status: RUNNING}) {
    id } }"""
CREATE_DATASET = """mutation { createDataset(input: {name: "sales-jan"}) { id } }"""
CREATE_DATASET_VERSION = """mutation($d: ID!) {
  createDatasetVersion(datasetId: $d, input: {name: "sales-jan"}) { id } }"""
ADD_INPUT = """mutation($x: ID!, $e: ID!) { addExecutionInput(executionId: $x, entityId: $e) {
  id } }"""


async def scenario_graphql(http: httpx.AsyncClient) -> None:
    model = (await ok(http, CREATE_MODEL, name="m"))["createRegisteredModel"]["id"]
    v1 = (await ok(http, CREATE_VERSION, m=model, name="v1"))["createModelVersion"]["id"]
    v2 = (await ok(http, CREATE_VERSION, m=model, name="v2"))["createModelVersion"]["id"]
    await ok(http, UPDATE_MODEL, id=model)
    await ok(http, CREATE_ENV)
    deployment = (await ok(http, DEPLOY, v=v1))["deploy"]["id"]
    await ok(http, DEPLOY, v=v2)
    await ok(http, DEPLOY, v=v2)  # the version already served: no new history
    await ok(http, UNDEPLOY, d=deployment)
    await ok(http, ARCHIVE, id=v1)
    experiment = (await ok(http, CREATE_EXPERIMENT))["createExperiment"]["id"]
    run = (await ok(http, CREATE_RUN, x=experiment))["createExecution"]["id"]
    dataset = (await ok(http, CREATE_DATASET))["createDataset"]["id"]
    version = (await ok(http, CREATE_DATASET_VERSION, d=dataset))["createDatasetVersion"]["id"]
    await ok(http, ADD_INPUT, x=run, e=version)


async def scenario_rest(http: httpx.AsyncClient) -> None:
    model = await rest(
        http, "POST", "/registered_models", {"name": "m", "owner": "o", "description": "d"}, 201
    )
    v1 = await rest(
        http, "POST", "/model_versions", {"name": "v1", "registeredModelId": model["id"]}, 201
    )
    v2 = await rest(
        http, "POST", "/model_versions", {"name": "v2", "registeredModelId": model["id"]}, 201
    )
    await rest(http, "PATCH", f"/registered_models/{model['id']}", {"description": "d2"})
    env = await rest(http, "POST", "/serving_environments", {"name": "prod"}, 201)
    service = await rest(
        http,
        "POST",
        "/inference_services",
        {
            "name": "svc",
            "registeredModelId": model["id"],
            "servingEnvironmentId": env["id"],
            "modelVersionId": v1["id"],
        },
        201,
    )
    path = f"/inference_services/{service['id']}"
    await rest(http, "PATCH", path, {"modelVersionId": v2["id"]})
    await rest(http, "PATCH", path, {"modelVersionId": v2["id"]})
    await rest(http, "PATCH", path, {"desiredState": "UNDEPLOYED"})
    await rest(http, "PATCH", f"/model_versions/{v1['id']}", {"state": "ARCHIVED"})
    experiment = await rest(http, "POST", "/experiments", {"name": "exp", "owner": "o"}, 201)
    run = await rest(
        http, "POST", f"/experiments/{experiment['id']}/experiment_runs", {"name": "run"}, 201
    )
    await rest(
        http,
        "POST",
        f"/experiment_runs/{run['id']}/artifacts",
        {"artifactType": "dataset-artifact", "name": "sales-jan"},
        201,
    )


async def test_graphql_and_rest_leave_the_same_graph(
    client: httpx.AsyncClient, db: Database
) -> None:
    await scenario_graphql(client)
    through_graphql = await graph_state(db)
    await admin.clear_graph(db)
    await scenario_rest(client)
    through_rest = await graph_state(db)
    assert through_rest == through_graphql
    nodes, edges = through_rest
    assert {n["author"] for n in nodes} == {"alice"}
    served = [e for e in edges if e["type"] == "DEPLOYED_AS"]
    assert [(e["source"], e["open"], e["closedBy"]) for e in served] == [
        ("v1", False, "alice"),
        ("v2", False, "alice"),
    ]


LIST_PARAMS = [
    (order, direction)
    for order in ("ID", "CREATE_TIME", "LAST_UPDATE_TIME")
    for direction in ("ASC", "DESC")
]


async def _walk(http: httpx.AsyncClient, path: str, order: str, direction: str) -> list[str]:
    names: list[str] = []
    token = ""
    while True:
        params = {"pageSize": "7", "orderBy": order, "sortOrder": direction}
        if token:
            params["nextPageToken"] = token
        response = await http.get(V1 + path, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        for item in page["items"]:
            assert item["id"].isdigit()
        names += [item["name"] for item in page["items"]]
        token = page["nextPageToken"]
        if not token:
            return names


async def test_rest_lists_what_graphql_logexecution_and_bulk_wrote(
    client: httpx.AsyncClient, db: Database
) -> None:
    for index in range(8):
        await ok(client, CREATE_MODEL, name=f"gql-{index}")
    batch = bulk.GraphBatch(actor=Principal("loader"))
    for index in range(8):
        batch.node(Label.REGISTERED_MODEL, f"bulk-{index}")
    await batch.load(db)
    experiment = (await ok(client, CREATE_EXPERIMENT))["createExperiment"]["id"]
    for index in range(8):
        await ok(
            client,
            """mutation($name: String!, $x: ID!) {
              logExecution(input: {name: $name, experimentId: $x}) { execution { id } } }""",
            name=f"logged-{index}",
            x=experiment,
        )
    models = {f"gql-{i}" for i in range(8)} | {f"bulk-{i}" for i in range(8)}
    for order, direction in LIST_PARAMS:
        listed = await _walk(client, "/registered_models", order, direction)
        assert sorted(listed) == sorted(models), (order, direction)
        runs = await _walk(client, "/experiment_runs", order, direction)
        assert sorted(runs) == sorted(f"logged-{i}" for i in range(8))


async def test_runs_outside_an_experiment_are_not_experiment_runs(
    client: httpx.AsyncClient,
) -> None:
    logged = await ok(
        client, """mutation { logExecution(input: {name: "loose"}) { execution { id } } }"""
    )
    assert logged["logExecution"]["execution"]["id"]
    experiment = await rest(client, "POST", "/experiments", {"name": "e"}, 201)
    await rest(
        client, "POST", "/experiment_runs", {"name": "r", "experimentId": experiment["id"]}, 201
    )
    runs = await rest(client, "GET", "/experiment_runs")
    assert [(r["name"], r["experimentId"]) for r in runs["items"]] == [("r", experiment["id"])]


async def test_a_graphql_redeploy_is_what_rest_reports_as_served(
    client: httpx.AsyncClient, db: Database
) -> None:
    model = (await ok(client, CREATE_MODEL, name="m"))["createRegisteredModel"]["id"]
    v1 = (await ok(client, CREATE_VERSION, m=model, name="v1"))["createModelVersion"]["id"]
    v2 = (await ok(client, CREATE_VERSION, m=model, name="v2"))["createModelVersion"]["id"]
    await ok(client, CREATE_ENV)
    await ok(client, DEPLOY, v=v1)
    services = await rest(client, "GET", "/inference_services")
    [service] = services["items"]
    served = await rest(client, "GET", f"/inference_services/{service['id']}/version")
    assert served["name"] == "v1"
    await ok(client, DEPLOY, v=v2)
    served = await rest(client, "GET", f"/inference_services/{service['id']}/version")
    assert served["name"] == "v2"
    serves = await rest(client, "GET", f"/inference_services/{service['id']}/serves")
    assert len(serves["items"]) == 2


async def test_anonymous_writes_have_one_author_on_every_face(client: httpx.AsyncClient) -> None:
    response = await client.post(V1 + "/registered_models", json={"name": "anon-rest"})
    assert response.status_code == 201
    body = await gql(client, CREATE_MODEL, {"name": "anon-gql"}, user=None)
    model_id = body["data"]["createRegisteredModel"]["id"]  # type: ignore[index]
    version = await client.post(
        V1 + "/model_versions", json={"name": "v", "registeredModelId": response.json()["id"]}
    )
    assert version.json()["author"] == "anonymous"
    read = await gql(
        client, """query($id: ID!) { registeredModel(id: $id) { author } }""", {"id": model_id}
    )
    assert read["data"] == {"registeredModel": {"author": "anonymous"}}


async def test_rest_patch_cannot_rewrite_the_author(client: httpx.AsyncClient) -> None:
    model = await rest(client, "POST", "/registered_models", {"name": "m"}, 201)
    version = await rest(
        client, "POST", "/model_versions", {"name": "v", "registeredModelId": model["id"]}, 201
    )
    assert version["author"] == "alice"
    patched = await rest(client, "PATCH", f"/model_versions/{version['id']}", {"author": "mallory"})
    assert patched["author"] == "alice"


async def test_updated_at_never_goes_backwards(client: httpx.AsyncClient, db: Database) -> None:
    # A node stamped ahead of this clock (another replica's clock, a bulk load): updates move on.
    ahead = now_ms() + 3_600_000
    batch = bulk.GraphBatch(actor=Principal("loader"))
    model_id = batch.node(Label.REGISTERED_MODEL, "m", updatedAt=ahead)
    await batch.load(db)
    await ok(client, UPDATE_MODEL, id=model_id)
    read = await ok(
        client, """query($id: ID!) { registeredModel(id: $id) { updatedAt } }""", id=model_id
    )
    assert int(read["registeredModel"]["updatedAt"]) > ahead


async def test_archived_parents_are_failed_precondition_on_every_face(
    client: httpx.AsyncClient,
) -> None:
    dataset = (await ok(client, CREATE_DATASET))["createDataset"]["id"]
    await ok(client, ARCHIVE, id=dataset)
    code = await error_code(
        client,
        """mutation { logExecution(input: {name: "run",
          outputs: [{newDatasetVersion: {dataset: "sales-jan", version: "v9"}}]}) {
          execution { id } } }""",
    )
    assert code == "FAILED_PRECONDITION"
    assert await error_code(client, CREATE_DATASET_VERSION, d=dataset) == "FAILED_PRECONDITION"
    model = await rest(client, "POST", "/registered_models", {"name": "m"}, 201)
    await rest(client, "PATCH", f"/registered_models/{model['id']}", {"state": "ARCHIVED"})
    refused = await rest(
        client, "POST", "/model_versions", {"name": "v", "registeredModelId": model["id"]}, 409
    )
    assert refused["code"] == "FAILED_PRECONDITION"


@pytest.mark.parametrize("name", [" padded", "padded ", "x" * 257])
async def test_names_are_refused_at_write_time_on_every_face(
    client: httpx.AsyncClient, name: str
) -> None:
    assert await error_code(client, CREATE_MODEL, name=name) == "INVALID_ARGUMENT"
    logged = await error_code(
        client,
        """mutation($name: String!) { logExecution(input: {name: $name}) { execution { id } } }""",
        name=name,
    )
    assert logged == "INVALID_ARGUMENT"
    refused = await rest(client, "POST", "/registered_models", {"name": name}, 400)
    assert refused["code"] == "INVALID_ARGUMENT" and "256" in refused["message"]
