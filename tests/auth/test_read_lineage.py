"""Lineage answers respect READ: unreadable nodes are placeholders, paths and counts stay true."""

from __future__ import annotations

import json
from typing import Any

import httpx

from modelgraph.domain.access import EVERYONE, Permission, SubjectType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.auth.conftest import bearer

# Strings only the restricted model, its version, run and experiment hold.
SECRETS = (
    "model-hidden",
    "exp-hidden",
    "MODEL-SECRET",
    "VERSION-SECRET",
    "EXP-SECRET",
    "BLUEBIRD",
    "0.125",
    "s3://hidden",
)

NODE = """id kind name label parentName distance path restricted state createdAt description
  stage framework uri hyperparameters { key } metrics { key } environment { key }
  libraries features { name } entity { id name }"""


async def call(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def ok(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    body = await call(http, token, query, **variables)
    assert "errors" not in body, body
    return body["data"]


async def dataset_version(http: httpx.AsyncClient, admin: str, name: str) -> str:
    """A new dataset ``name`` with a version v1, written by an admin; the version's id."""
    ds = await ok(
        http, admin, "mutation($n: String!) { createDataset(input: {name: $n}) { id } }", n=name
    )
    dv = await ok(
        http,
        admin,
        'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }',
        d=ds["createDataset"]["id"],
    )
    return str(dv["createDatasetVersion"]["id"])


async def build(http: httpx.AsyncClient, admin: str) -> dict[str, str]:
    """raw-public:v1 -> train run (exp-hidden) -> model-hidden:v1 -> env-public/dep-public, and
    raw-public:v1 -> train run -> model-open:v1, all written by an admin through GraphQL."""
    version_id = await dataset_version(http, admin, "raw-public")
    exp = await ok(
        http,
        admin,
        'mutation { createExperiment(input: {name: "exp-hidden", description: "EXP-SECRET"})'
        " { id } }",
    )
    register = """mutation($input: RegisterModelInput!) {
      registerModel(input: $input) { model { id } version { id } execution { id } } }"""
    dataset = [{"id": version_id}]
    hidden = await ok(
        http,
        admin,
        register,
        input={
            "modelName": "model-hidden",
            "versionName": "v1",
            "model": {
                "description": "MODEL-SECRET",
                "customProperties": [
                    {"key": "codename", "type": "STRING", "stringValue": "BLUEBIRD"}
                ],
            },
            "version": {"description": "VERSION-SECRET", "framework": "xgboost"},
            "artifact": {"uri": "s3://hidden/model.json"},
            "training": {
                "experimentId": exp["createExperiment"]["id"],
                "datasets": dataset,
                "hyperparameters": [{"key": "lr", "type": "FLOAT", "floatValue": 0.125}],
            },
        },
    )
    opened = await ok(
        http,
        admin,
        register,
        input={
            "modelName": "model-open",
            "versionName": "v1",
            "version": {"description": "open to all"},
            "training": {"datasets": dataset},
        },
    )
    await ok(
        http, admin, 'mutation { createServingEnvironment(input: {name: "env-public"}) { id } }'
    )
    await ok(
        http,
        admin,
        'mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "env-public",'
        ' deploymentName: "dep-public") { id } }',
        v=hidden["registerModel"]["version"]["id"],
    )
    return {
        "model": hidden["registerModel"]["model"]["id"],
        "version": hidden["registerModel"]["version"]["id"],
        "run": hidden["registerModel"]["execution"]["id"],
        "experiment": exp["createExperiment"]["id"],
        "open": opened["registerModel"]["version"]["id"],
    }


async def restrict(db: Database, ids: dict[str, str]) -> None:
    """Take the everyone grant off the hidden model and experiment (their creator keeps MANAGE)."""
    for resource in (ids["model"], ids["experiment"]):
        await access.set_grant(db, resource, SubjectType.GROUP, EVERYONE, None, actor=SYSTEM)


TRACE = f"""query($ref: String!) {{ trace(ref: $ref) {{
  root {{ {NODE} }} nodes {{ {NODE} }} edges {{ source target type role by }}
  served {{ version {{ {NODE} }} }} }} }}"""
IMPACT = f"""query($ref: String!) {{ impact(ref: $ref) {{
  nodes {{ {NODE} }} edges {{ source target type }} counts {{ kind count }} }} }}"""
LINEAGE = f"""query($ref: String!) {{ lineage(ref: $ref, direction: BOTH, maxDepth: 10) {{
  nodes {{ {NODE} }} edges {{ source target type }} }} }}"""


def shape(answer: dict[str, Any]) -> tuple[list[tuple[str, str, int, list[str]]], list[Any]]:
    """What must not change with permissions: every node's id, kind, distance, path; edges."""
    nodes = sorted((n["id"], n["kind"], n["distance"], n["path"]) for n in answer["nodes"])
    edges = sorted(json.dumps(e, sort_keys=True) for e in answer["edges"])
    return nodes, edges


async def restricted_graph(
    http: httpx.AsyncClient, db: Database
) -> tuple[str, str, dict[str, str]]:
    """Admin and viewer tokens and the graph of :func:`build`, its model and experiment closed."""
    admin = (await access.create_token(db, "root", "root", ["admin"], None, actor=SYSTEM)).secret
    viewer = (await access.create_token(db, "v", "carol", ["viewer"], None, actor=SYSTEM)).secret
    ids = await build(http, admin)
    await restrict(db, ids)
    return admin, viewer, ids


def assert_placeholder(node: dict[str, Any]) -> None:
    assert node["restricted"] is True
    kept = {"id", "kind", "distance", "path", "restricted"}
    assert {k: v for k, v in node.items() if k not in kept and v is not None} == {}, node


async def test_viewer_sees_the_path_through_an_unreadable_model_but_none_of_it(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await restricted_graph(http, db)

    full = (await ok(http, admin, TRACE, ref="env-public/dep-public"))["trace"]
    seen = await call(http, viewer, TRACE, ref="env-public/dep-public")
    assert "errors" not in seen, seen
    trace = seen["data"]["trace"]
    assert shape(trace) == shape(full)
    by_id = {n["id"]: n for n in trace["nodes"]}
    assert_placeholder(by_id[ids["version"]])
    assert_placeholder(by_id[ids["run"]])
    assert_placeholder(trace["served"][0]["version"])
    dataset = next(n for n in trace["nodes"] if n["kind"] == "DatasetVersion")
    assert dataset["restricted"] is False and dataset["label"] == "raw-public:v1"
    text = json.dumps(seen)
    assert not [s for s in SECRETS if s in text], text
    assert any(s in json.dumps(full) for s in SECRETS)  # the admin's answer does hold them

    full_impact = (await ok(http, admin, IMPACT, ref="raw-public:v1"))["impact"]
    impact = await call(http, viewer, IMPACT, ref="raw-public:v1")
    assert not [s for s in SECRETS if s in json.dumps(impact)]
    assert shape(impact["data"]["impact"]) == shape(full_impact)
    assert impact["data"]["impact"]["counts"] == full_impact["counts"]
    open_version = next(n for n in impact["data"]["impact"]["nodes"] if n["id"] == ids["open"])
    assert open_version["label"] == "model-open:v1" and open_version["restricted"] is False
    counts_only = await ok(
        http, viewer, '{ impact(ref: "raw-public:v1") { counts { kind count } } }'
    )
    assert counts_only["impact"]["counts"] == full_impact["counts"]

    graph = await call(http, viewer, LINEAGE, ref="raw-public:v1")
    assert not [s for s in SECRETS if s in json.dumps(graph)]
    assert shape(graph["data"]["lineage"]) == shape(
        (await ok(http, admin, LINEAGE, ref="raw-public:v1"))["lineage"]
    )


async def test_an_unreadable_root_is_forbidden_and_a_grant_reveals_it(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await restricted_graph(http, db)

    for query in (TRACE, IMPACT, LINEAGE):
        refused = await call(http, viewer, query, ref="model-hidden:v1")
        assert refused["errors"][0]["extensions"] == {
            "code": "FORBIDDEN",
            "missing": "permission:READ",
        }
        assert not [s for s in SECRETS[2:] if s in json.dumps(refused)]
    diff = await call(
        http,
        viewer,
        'query { diff(versionA: "model-open:v1", versionB: "model-hidden:v1")'
        " { metrics { key } } }",
    )
    assert diff["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    grant = """mutation($r: ID!) {
      setPermission(resourceId: $r, subjectType: USER, subject: "carol", permission: READ)
      { permission } }"""
    await ok(http, admin, grant, r=ids["model"])
    trace = (await ok(http, viewer, TRACE, ref="env-public/dep-public"))["trace"]
    by_id = {n["id"]: n for n in trace["nodes"]}
    version = by_id[ids["version"]]
    assert version["restricted"] is False and version["label"] == "model-hidden:v1"
    assert version["description"] == "VERSION-SECRET"
    assert_placeholder(by_id[ids["run"]])  # the experiment is still closed to carol
    assert (await ok(http, viewer, TRACE, ref="model-hidden:v1"))["trace"]["root"]["name"] == "v1"

    # Giving everyone READ again lifts the restriction for every viewer.
    other = (await access.create_token(db, "o", "oscar", ["viewer"], None, actor=SYSTEM)).secret
    assert (await call(http, other, TRACE, ref="model-hidden:v1"))["errors"]
    everyone = """mutation($r: ID!) {
      setPermission(resourceId: $r, subjectType: GROUP, subject: "*", permission: READ)
      { permission } }"""
    await ok(http, admin, everyone, r=ids["experiment"])
    await ok(http, admin, everyone, r=ids["model"])
    opened = (await ok(http, other, TRACE, ref="env-public/dep-public"))["trace"]
    assert not any(n["restricted"] for n in opened["nodes"])


NESTED = """{
  datasetVersion(datasetName: "raw-public", version: "v1") {
    consumers { id name } }
  deployment(servingEnvironmentName: "env-public", name: "dep-public") {
    servedVersion { id name } }
  open: node(id: "%s") { ... on ModelVersion { producedBy { id outputs { id name } } } }
}"""


async def test_nested_lineage_fields_hide_what_the_caller_may_not_read(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await restricted_graph(http, db)
    query = NESTED % ids["open"]

    full = await ok(http, admin, query)
    assert ids["run"] in {r["id"] for r in full["datasetVersion"]["consumers"]}
    assert full["deployment"]["servedVersion"]["id"] == ids["version"]

    seen = await ok(http, viewer, query)
    consumers = {r["id"] for r in seen["datasetVersion"]["consumers"]}
    # The hidden experiment's run is left out; the open model's training run stays.
    assert ids["run"] not in consumers and len(consumers) == 1
    assert seen["deployment"]["servedVersion"] is None
    [run] = seen["open"]["producedBy"]
    assert run["id"] in consumers
    assert [o["id"] for o in run["outputs"]] == [ids["open"]]
    assert "model-hidden" not in str(seen) and "VERSION-SECRET" not in str(seen)

    # Kubeflow REST: the InferenceService's serve records leave out the hidden version's.
    services = await http.get(
        "/api/model_registry/v1/inference_services?pageSize=100", headers=bearer(admin)
    )
    [service] = [s for s in services.json()["items"] if s["name"] == "dep-public"]
    serves = f"/api/model_registry/v1/inference_services/{service['id']}/serves"
    assert len((await http.get(serves, headers=bearer(admin))).json()["items"]) == 1
    hidden_page = await http.get(serves, headers=bearer(viewer))
    assert hidden_page.status_code == 200, hidden_page.text
    assert hidden_page.json()["items"] == []


async def test_a_run_outside_experiments_is_governed_by_the_closed_model_it_trained(
    http: httpx.AsyncClient, db: Database
) -> None:
    """No experiment governs the run, so the closed model whose version it produced does: its
    hyperparameters and metrics are the model's training, hidden like the model's own metadata.
    A run that trained only open models stays readable."""
    admin = (await access.create_token(db, "root", "root", ["admin"], None, actor=SYSTEM)).secret
    viewer = (await access.create_token(db, "v", "carol", ["viewer"], None, actor=SYSTEM)).secret
    version_id = await dataset_version(http, admin, "raw-solo")
    register = """mutation($input: RegisterModelInput!) {
      registerModel(input: $input) { model { id } version { id } execution { id } } }"""
    training = {
        "datasets": [{"id": version_id}],
        "hyperparameters": [{"key": "depth", "type": "INT", "intValue": "7331"}],
        "metrics": [{"key": "auc", "value": 0.4375}],
    }
    closed = (
        await ok(
            http,
            admin,
            register,
            input={"modelName": "solo-closed", "versionName": "v1", "training": training},
        )
    )["registerModel"]
    opened = (
        await ok(
            http,
            admin,
            register,
            input={
                "modelName": "solo-open",
                "versionName": "v1",
                "training": {
                    **training,
                    "hyperparameters": [{"key": "depth", "type": "INT", "intValue": "3"}],
                },
            },
        )
    )["registerModel"]
    await access.set_grant(
        db, closed["model"]["id"], SubjectType.GROUP, EVERYONE, None, actor=SYSTEM
    )
    secrets = ("7331", "0.4375", "solo-closed")

    impact = await call(http, viewer, IMPACT, ref="raw-solo:v1")
    assert "errors" not in impact, impact
    by_id = {n["id"]: n for n in impact["data"]["impact"]["nodes"]}
    assert_placeholder(by_id[closed["execution"]["id"]])
    assert by_id[opened["execution"]["id"]]["restricted"] is False
    assert by_id[opened["execution"]["id"]]["hyperparameters"] == [{"key": "depth"}]
    assert not [s for s in secrets if s in json.dumps(impact)], impact
    full = (await ok(http, admin, IMPACT, ref="raw-solo:v1"))["impact"]
    assert shape(impact["data"]["impact"]) == shape(full)

    run_query = """query($id: ID!) { node(id: $id) { id
      ... on Execution { hyperparameters { key intValue } metrics { key value } } } }"""
    hidden_run = await call(http, viewer, run_query, id=closed["execution"]["id"])
    assert not [s for s in secrets if s in json.dumps(hidden_run)], hidden_run
    assert hidden_run.get("data", {}).get("node") is None, hidden_run
    open_run = await ok(http, viewer, run_query, id=opened["execution"]["id"])
    assert open_run["node"]["id"] == opened["execution"]["id"]

    runs = await ok(http, viewer, "{ executions(first: 100) { nodes { id } } }")
    listed = {r["id"] for r in runs["executions"]["nodes"]}
    assert opened["execution"]["id"] in listed and closed["execution"]["id"] not in listed
    everything = await ok(http, admin, "{ executions(first: 100) { nodes { id } } }")
    assert closed["execution"]["id"] in {r["id"] for r in everything["executions"]["nodes"]}

    # Writing to the run needs EDIT on the model it trained, like writing to the model does.
    dan = (await access.create_token(db, "d", "dan", ["contributor"], None, actor=SYSTEM)).secret
    log = (
        """mutation($id: ID!) { logMetrics(id: $id, metrics: [{key: "f1", value: 0.5}]) { id } }"""
    )
    for run in (closed, opened):  # everyone may read solo-open, nobody but its creator edit
        refused = await call(http, dan, log, id=run["execution"]["id"])
        assert refused["errors"][0]["extensions"] == {
            "code": "FORBIDDEN",
            "missing": "permission:EDIT",
        }, refused
    await access.set_grant(
        db, opened["model"]["id"], SubjectType.USER, "dan", Permission.EDIT, actor=SYSTEM
    )
    assert (await ok(http, dan, log, id=opened["execution"]["id"]))["logMetrics"]["id"]

    # A grant on the model opens its training run too.
    await access.set_grant(
        db, closed["model"]["id"], SubjectType.USER, "carol", Permission.READ, actor=SYSTEM
    )
    granted = await ok(http, viewer, run_query, id=closed["execution"]["id"])
    assert "7331" in json.dumps(granted)
