# ruff: noqa: E501  (one GraphQL document per line reads best in this table)
"""Every write, generated from the schema's mutations and the REST route table, called as
anonymous, a viewer, a contributor without the model permission and the right principal.

Writes under a registered model or experiment ("governed") succeed only for the last.
Top-level creates and writes on datasets and serving environments need only the contributor
role, so there the contributor succeeds too (the per-model permission does not apply).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType
from neo4j import AsyncManagedTransaction

from modelgraph.graphql.schema import schema
from modelgraph.rest import routes as rest_routes
from modelgraph.store.db import Database
from tests.auth.conftest import bearer

W = dict[str, str]
_seq = itertools.count()


def uniq(prefix: str = "n") -> str:
    return f"{prefix}{next(_seq)}"


@dataclass(frozen=True)
class Write:
    doc: str
    variables: Callable[[W], dict[str, Any]]
    governed: bool = True
    right: str = "alice"


ID_IN = "{ id }"
G: dict[str, Write] = {
    "createRegisteredModel": Write(
        f"mutation($n: String!) {{ createRegisteredModel(input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"n": uniq()},
        governed=False,
    ),
    "updateRegisteredModel": Write(
        f'mutation($id: ID!) {{ updateRegisteredModel(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["M"]},
    ),
    "createModelVersion": Write(
        f"mutation($id: ID!, $n: String!) {{ createModelVersion(modelId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["M"], "n": uniq()},
    ),
    "updateModelVersion": Write(
        f'mutation($id: ID!) {{ updateModelVersion(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "createModelArtifact": Write(
        f"mutation($id: ID!, $n: String!) {{ createModelArtifact(versionId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["V"], "n": uniq()},
    ),
    "updateModelArtifact": Write(
        f'mutation($id: ID!) {{ updateModelArtifact(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["A"]},
    ),
    "createDocArtifact": Write(
        f"mutation($id: ID!, $n: String!) {{ createDocArtifact(versionId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["V"], "n": uniq()},
    ),
    "updateDocArtifact": Write(
        f'mutation($id: ID!) {{ updateDocArtifact(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["DOC"]},
    ),
    "createDataset": Write(
        f"mutation($n: String!) {{ createDataset(input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"n": uniq()},
        governed=False,
    ),
    "updateDataset": Write(
        f'mutation($id: ID!) {{ updateDataset(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["D"]},
        governed=False,
    ),
    "createDatasetVersion": Write(
        f"mutation($id: ID!, $n: String!) {{ createDatasetVersion(datasetId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["D"], "n": uniq()},
        governed=False,
    ),
    "updateDatasetVersion": Write(
        f'mutation($id: ID!) {{ updateDatasetVersion(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["DV"]},
        governed=False,
    ),
    "createExecution": Write(
        f"mutation($id: ID!, $n: String!) {{ createExecution(experimentId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["E"], "n": uniq()},
    ),
    "updateExecution": Write(
        f'mutation($id: ID!) {{ updateExecution(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["X"]},
    ),
    "createExperiment": Write(
        f"mutation($n: String!) {{ createExperiment(input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"n": uniq()},
        governed=False,
    ),
    "updateExperiment": Write(
        f'mutation($id: ID!) {{ updateExperiment(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["E"]},
    ),
    "createServingEnvironment": Write(
        f"mutation($n: String!) {{ createServingEnvironment(input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"n": uniq()},
        governed=False,
    ),
    "updateServingEnvironment": Write(
        f'mutation($id: ID!) {{ updateServingEnvironment(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["S"]},
        governed=False,
    ),
    "createDeployment": Write(
        f"mutation($id: ID!, $n: String!) {{ createDeployment(servingEnvironmentId: $id, input: {{name: $n}}) {ID_IN} }}",
        lambda w: {"id": w["S"], "n": uniq()},
        governed=False,
    ),
    "updateDeployment": Write(
        f'mutation($id: ID!) {{ updateDeployment(id: $id, input: {{description: "d"}}) {ID_IN} }}',
        lambda w: {"id": w["P"]},
        governed=False,
    ),
    "archive": Write(
        f"mutation($id: ID!) {{ archive(id: $id) {ID_IN} }}", lambda w: {"id": w["V"]}
    ),
    "unarchive": Write(
        f"mutation($id: ID!) {{ unarchive(id: $id) {ID_IN} }}", lambda w: {"id": w["OLD"]}
    ),
    "addTags": Write(
        f'mutation($id: ID!) {{ addTags(id: $id, tags: ["t"]) {ID_IN} }}', lambda w: {"id": w["V"]}
    ),
    "removeTags": Write(
        f'mutation($id: ID!) {{ removeTags(id: $id, tags: ["t0"]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "setTags": Write(
        f'mutation($id: ID!) {{ setTags(id: $id, tags: ["t"]) {ID_IN} }}', lambda w: {"id": w["V"]}
    ),
    "setCustomProperties": Write(
        f'mutation($id: ID!) {{ setCustomProperties(id: $id, properties: [{{key: "k", type: STRING, stringValue: "v"}}]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "removeCustomProperties": Write(
        f'mutation($id: ID!) {{ removeCustomProperties(id: $id, keys: ["k"]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "setMetadata": Write(
        f'mutation($id: ID!) {{ setMetadata(id: $id, entries: [{{key: "framework", type: STRING, stringValue: "onnx"}}]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "removeMetadata": Write(
        f'mutation($id: ID!) {{ removeMetadata(id: $id, keys: ["framework"]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "logMetrics": Write(
        f'mutation($id: ID!) {{ logMetrics(id: $id, metrics: [{{key: "acc", value: 0.9}}]) {ID_IN} }}',
        lambda w: {"id": w["V"]},
    ),
    "registerModel": Write(
        'mutation($n: String!) { registerModel(input: {modelName: "m", versionName: $n}) '
        "{ version { id } } }",
        lambda w: {"n": uniq()},
    ),
    "transitionStage": Write(
        f"mutation($id: ID!) {{ transitionStage(versionId: $id, to: STAGING) {ID_IN} }}",
        lambda w: {"id": w["V"]},
    ),
    "approveVersion": Write(
        "mutation($id: ID!) { approveVersion(versionId: $id, stage: PRODUCTION) { by } }",
        lambda w: {"id": w["V"]},
        right="bob",
    ),
    "setAlias": Write(
        'mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { alias } }',
        lambda w: {"m": w["M"], "v": w["V"]},
    ),
    "removeAlias": Write(
        'mutation($m: ID!) { removeAlias(modelId: $m, alias: "a0") { alias } }',
        lambda w: {"m": w["M"]},
    ),
    "deploy": Write(
        'mutation($v: ID!, $n: String!) { deploy(versionId: $v, servingEnvironment: "s", deploymentName: $n) { id } }',
        lambda w: {"v": w["V"], "n": uniq()},
    ),
    "undeploy": Write(
        f"mutation($id: ID!) {{ undeploy(deploymentId: $id) {ID_IN} }}",
        lambda w: {"id": w["P"]},
    ),
    "addExecutionInput": Write(
        f"mutation($x: ID!, $e: ID!) {{ addExecutionInput(executionId: $x, entityId: $e) {ID_IN} }}",
        lambda w: {"x": w["X"], "e": w["DV"]},
    ),
    "addExecutionOutput": Write(
        f"mutation($x: ID!, $e: ID!) {{ addExecutionOutput(executionId: $x, entityId: $e) {ID_IN} }}",
        lambda w: {"x": w["X"], "e": w["V"]},
    ),
    "logExecution": Write(
        "mutation($e: ID!, $n: String!, $dv: ID!) { logExecution(input: {name: $n, "
        "experimentId: $e, inputs: [{id: $dv}]}) { execution { id } } }",
        lambda w: {"e": w["E"], "n": uniq(), "dv": w["DV"]},
    ),
    "createApiToken": Write(
        'mutation($n: String!) { createApiToken(name: $n, principal: "ci", roles: [VIEWER]) { secret } }',
        lambda w: {"n": uniq("tok")},
        right="dave",
    ),
    "revokeApiToken": Write(
        'mutation { revokeApiToken(ref: "t0") { id } }', lambda w: {}, right="dave"
    ),
    "setPermission": Write(
        'mutation($m: ID!) { setPermission(resourceId: $m, subjectType: USER, subject: "x", permission: READ) { subject } }',
        lambda w: {"m": w["M"]},
    ),
    "createWebhook": Write(
        'mutation($m: ID!) { createWebhook(url: "http://127.0.0.1:9/hook", scopeId: $m) { secret } }',
        lambda w: {"m": w["M"]},
    ),
    "setWebhookActive": Write(
        "mutation($h: ID!) { setWebhookActive(id: $h, active: false) { id } }",
        lambda w: {"h": w["H"]},
    ),
    "deleteWebhook": Write(
        "mutation($h: ID!) { deleteWebhook(id: $h) { id } }", lambda w: {"h": w["H"]}
    ),
    "sendTestEvent": Write(
        "mutation($h: ID!) { sendTestEvent(webhookId: $h) }", lambda w: {"h": w["H"]}
    ),
    "flagDatasetVersion": Write(
        'mutation($dv: String!) { flagDatasetVersion(ref: $dv, reason: "bad rows") { events } }',
        lambda w: {"dv": w["DV"]},
        governed=False,
    ),
    "setDefaultPermission": Write(
        "mutation { setDefaultPermission(permission: READ) }", lambda w: {}, right="dave"
    ),
}

WORLD = """mutation($m: String!) {
  m: registerModel(input: {modelName: $m, versionName: "v1", artifact: {uri: "s3://a"}}) {
    model { id } version { id } artifact { id } }
  old: registerModel(input: {modelName: $m, versionName: "v0"}) { version { id } }
  d: createDataset(input: {name: "d"}) { id }
  e: createExperiment(input: {name: "e"}) { id }
  s: createServingEnvironment(input: {name: "s"}) { id }
}"""


async def gql(http: httpx.AsyncClient, token: str | None, doc: str, **v: Any) -> dict[str, Any]:
    headers = bearer(token) if token else {}
    response = await http.post("/graphql", json={"query": doc, "variables": v}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


async def ok(http: httpx.AsyncClient, token: str, doc: str, **v: Any) -> Any:
    body = await gql(http, token, doc, **v)
    assert not body.get("errors"), body
    return body["data"]


async def build_world(http: httpx.AsyncClient, tokens: dict[str, str]) -> W:
    """Alice owns model m (version v1 + artifact, archived v0) and experiment e with a run."""
    alice, dave = tokens["alice"], tokens["dave"]
    data = await ok(http, alice, WORLD, m="m")
    w = {
        "M": data["m"]["model"]["id"],
        "V": data["m"]["version"]["id"],
        "A": data["m"]["artifact"]["id"],
        "OLD": data["old"]["version"]["id"],
        "D": data["d"]["id"],
        "E": data["e"]["id"],
        "S": data["s"]["id"],
    }
    more = await ok(
        http,
        alice,
        """mutation($v: ID!, $d: ID!, $e: ID!, $old: ID!, $m: ID!) {
          doc: createDocArtifact(versionId: $v, input: {name: "doc"}) { id }
          dv: createDatasetVersion(datasetId: $d, input: {name: "dv1"}) { id }
          x: createExecution(experimentId: $e, input: {name: "run"}) { id }
          p: deploy(versionId: $v, servingEnvironment: "s", deploymentName: "p") { id }
          tags: addTags(id: $v, tags: ["t0"]) { id }
          alias: setAlias(modelId: $m, alias: "a0", versionId: $v) { alias }
          gone: archive(id: $old) { id }
          hook: createWebhook(url: "http://127.0.0.1:9/hook", scopeId: $m) { webhook { id } }
        }""",
        v=w["V"],
        d=w["D"],
        e=w["E"],
        old=w["OLD"],
        m=w["M"],
    )
    w.update(DOC=more["doc"]["id"], DV=more["dv"]["id"], X=more["x"]["id"], P=more["p"]["id"])
    w["H"] = more["hook"]["webhook"]["id"]
    await ok(
        http,
        dave,
        'mutation { createApiToken(name: "t0", principal: "x", roles: [VIEWER]) { secret } }',
    )
    return w


def test_table_covers_every_mutation() -> None:
    mutation = schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    assert set(mutation.fields) == set(G)


CELLS = ("anonymous", "viewer", "contributor", "right")
USERS = {"anonymous": None, "viewer": "carol", "contributor": "mallory"}
COUNTS: Counter[tuple[str, str, bool]] = Counter()


@pytest.mark.parametrize("name", sorted(G))
async def test_graphql_write_matrix(
    name: str, oidc_client: httpx.AsyncClient, tokens: dict[str, str], db: Database
) -> None:
    write = G[name]
    world = await build_world(oidc_client, tokens)
    outcomes: dict[str, str | None] = {}
    for cell in CELLS:
        user = write.right if cell == "right" else USERS[cell]
        body = await gql(
            oidc_client, tokens[user] if user else None, write.doc, **write.variables(world)
        )
        errors = body.get("errors") or []
        outcomes[cell] = errors[0]["extensions"].get("code") if errors else None
        COUNTS[("graphql", cell, not errors)] += 1
    expected = {
        "anonymous": "UNAUTHENTICATED",
        "viewer": "FORBIDDEN",
        "contributor": "FORBIDDEN" if write.governed or write.right != "alice" else None,
        "right": None,
    }
    assert outcomes == expected, (name, outcomes)


@dataclass(frozen=True)
class RestWrite:
    method: str
    path: str  # with {M} {V} {A} {S} {P} {E} {X} as Kubeflow ids
    body: Callable[[W], dict[str, Any]]
    governed: bool = True


REST: dict[tuple[str, str], RestWrite] = {}


def rest(
    method: str,
    template: str,
    path: str,
    body: Callable[[W], dict[str, Any]],
    governed: bool = True,
) -> None:
    REST[(method, template)] = RestWrite(method, path, body, governed)


rest("POST", "/registered_models", "/registered_models", lambda w: {"name": uniq()}, False)
rest(
    "PATCH",
    "/registered_models/{registered_model_id}",
    "/registered_models/{M}",
    lambda w: {"description": "d"},
)
rest(
    "POST",
    "/registered_models/{registered_model_id}/versions",
    "/registered_models/{M}/versions",
    lambda w: {"name": uniq(), "registeredModelId": w["M"]},
)
rest(
    "POST",
    "/model_versions",
    "/model_versions",
    lambda w: {"name": uniq(), "registeredModelId": w["M"]},
)
rest(
    "PATCH",
    "/model_versions/{model_version_id}",
    "/model_versions/{V}",
    lambda w: {"description": "d"},
)
rest(
    "POST",
    "/model_versions/{model_version_id}/artifacts",
    "/model_versions/{V}/artifacts",
    lambda w: {"artifactType": "model-artifact", "name": uniq(), "uri": "s3://x"},
)
rest(
    "POST",
    "/model_artifacts",
    "/model_artifacts",
    lambda w: {"name": uniq(), "uri": "s3://x"},
    False,
)
rest(
    "PATCH",
    "/model_artifacts/{model_artifact_id}",
    "/model_artifacts/{A}",
    lambda w: {"description": "d"},
)
rest(
    "POST",
    "/artifacts",
    "/artifacts",
    lambda w: {"artifactType": "model-artifact", "name": uniq(), "uri": "s3://x"},
    False,
)
rest(
    "PATCH",
    "/artifacts/{id}",
    "/artifacts/{A}",
    lambda w: {"artifactType": "model-artifact", "description": "d"},
)
rest("POST", "/serving_environments", "/serving_environments", lambda w: {"name": uniq()}, False)
rest(
    "PATCH",
    "/serving_environments/{serving_environment_id}",
    "/serving_environments/{S}",
    lambda w: {"description": "d"},
    False,
)
rest(
    "POST",
    "/serving_environments/{serving_environment_id}/inference_services",
    "/serving_environments/{S}/inference_services",
    lambda w: {"name": uniq(), "registeredModelId": w["M"], "servingEnvironmentId": w["S"]},
    False,
)
rest(
    "POST",
    "/inference_services",
    "/inference_services",
    lambda w: {"name": uniq(), "registeredModelId": w["M"], "servingEnvironmentId": w["S"]},
    False,
)
rest(
    "PATCH",
    "/inference_services/{inference_service_id}",
    "/inference_services/{P}",
    lambda w: {"description": "d"},
    False,
)
rest(
    "POST",
    "/inference_services/{inference_service_id}/serves",
    "/inference_services/{P}/serves",
    lambda w: {"modelVersionId": w["V"]},
)
rest("POST", "/experiments", "/experiments", lambda w: {"name": uniq()}, False)
rest("PATCH", "/experiments/{experiment_id}", "/experiments/{E}", lambda w: {"description": "d"})
rest(
    "POST",
    "/experiments/{experiment_id}/experiment_runs",
    "/experiments/{E}/experiment_runs",
    lambda w: {"name": uniq(), "experimentId": w["E"]},
)
rest(
    "POST",
    "/experiment_runs",
    "/experiment_runs",
    lambda w: {"name": uniq(), "experimentId": w["E"]},
)
rest(
    "PATCH",
    "/experiment_runs/{experimentrun_id}",
    "/experiment_runs/{X}",
    lambda w: {"description": "d"},
)
rest(
    "POST",
    "/experiment_runs/{experimentrun_id}/artifacts",
    "/experiment_runs/{X}/artifacts",
    lambda w: {"artifactType": "metric", "name": uniq(), "value": 1.0},
)


def _route_table() -> list[tuple[str, str, str]]:
    out = []
    for mount in rest_routes.mounts():
        for route in mount.routes:  # type: ignore[attr-defined]
            for method in sorted(set(route.methods or []) - {"GET", "HEAD"}):
                out.append((mount.path, method, route.path))
    return out


def test_rest_table_covers_every_write_route() -> None:
    assert {(m, p) for _, m, p in _route_table()} == set(REST)


async def _kf_ids(db: Database, ids: W) -> W:
    async def work(tx: AsyncManagedTransaction) -> W:
        result = await tx.run(
            "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, n.kfId AS kf",
            ids=list(ids.values()),
        )
        return {r["id"]: str(r["kf"]) async for r in result}

    kf = await db.read(work)
    # Only entities have Kubeflow ids (the world's webhook has none).
    return {k: kf[v] for k, v in ids.items() if v in kf}


@pytest.mark.parametrize(("prefix", "method", "template"), _route_table())
async def test_rest_write_matrix(
    prefix: str,
    method: str,
    template: str,
    oidc_client: httpx.AsyncClient,
    tokens: dict[str, str],
    db: Database,
) -> None:
    write = REST[(method, template)]
    world = await _kf_ids(db, await build_world(oidc_client, tokens))
    outcomes: dict[str, int] = {}
    for cell in CELLS:
        user = "alice" if cell == "right" else USERS[cell]
        response = await oidc_client.request(
            method,
            prefix + write.path.format(**world),
            json=write.body(world),
            headers=bearer(tokens[user]) if user else {},
        )
        outcomes[cell] = response.status_code
        COUNTS[("rest", cell, response.status_code < 300)] += 1
        if cell == "right":
            assert response.status_code < 300, (template, response.text)
    expected_contributor = 403 if write.governed else outcomes["right"]
    assert outcomes["anonymous"] == 401 and outcomes["viewer"] == 403, (template, outcomes)
    assert outcomes["contributor"] == expected_contributor, (template, outcomes)


def test_report_counts_per_cell() -> None:
    """Printed with -s (and in the report): calls per face, cell and outcome."""
    for (face, cell, succeeded), n in sorted(COUNTS.items()):
        print(f"matrix {face:7} {cell:11} {'ok' if succeeded else 'refused':7} {n}")
