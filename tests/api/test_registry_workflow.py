"""Mutations: CRUD, tags and typed maps, stage workflow, approvals, aliases, deploys, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import gql


async def ok(client: httpx.AsyncClient, query: str, user: str = "tester", **v: Any) -> Any:
    body = await gql(client, query, v, user=user)
    assert "errors" not in body, body
    return body["data"]


async def err(client: httpx.AsyncClient, query: str, user: str = "tester", **v: Any) -> Any:
    body = await gql(client, query, v, user=user)
    assert body.get("errors"), body
    return body["errors"][0]  # type: ignore[index]


REGISTER = """mutation($m: String!, $v: String!) {
  registerModel(input: {modelName: $m, versionName: $v, artifact: {uri: "s3://a"}}) {
    model { id } version { id } } }"""
TRANSITION = """mutation($id: ID!, $to: Stage!) {
  transitionStage(versionId: $id, to: $to, comment: "c") { stage } }"""


async def _version(client: httpx.AsyncClient, model: str = "m", version: str = "v1") -> Any:
    data = await ok(client, REGISTER, m=model, v=version)
    return data["registerModel"]


async def test_create_update_archive_every_kind(client: httpx.AsyncClient) -> None:
    data = await ok(
        client,
        """mutation {
          m: createRegisteredModel(input: {name: "m", owner: "o"}) { id author state }
          d: createDataset(input: {name: "d"}) { id }
          x: createExperiment(input: {name: "x", owner: "o"}) { id }
          s: createServingEnvironment(input: {name: "s"}) { id } }""",
    )
    assert data["m"]["author"] == "tester" and data["m"]["state"] == "LIVE"
    children = await ok(
        client,
        """mutation($m: ID!, $d: ID!, $x: ID!, $s: ID!) {
          v: createModelVersion(modelId: $m, input: {name: "v1"}) { id stage modelId }
          dv: createDatasetVersion(datasetId: $d, input: {name: "v1", rows: 10}) { id datasetId }
          r: createExecution(experimentId: $x, input: {name: "r", type: TRAINING}) {
            id experimentId experiment { name } }
          dep: createDeployment(servingEnvironmentId: $s, input: {name: "dep"}) { id } }""",
        m=data["m"]["id"],
        d=data["d"]["id"],
        x=data["x"]["id"],
        s=data["s"]["id"],
    )
    assert children["v"]["stage"] == "DEVELOPMENT" and children["v"]["modelId"] == data["m"]["id"]
    assert children["r"]["experiment"] == {"name": "x"}
    vid = children["v"]["id"]
    arts = await ok(
        client,
        """mutation($v: ID!) {
          a: createModelArtifact(versionId: $v, input: {name: "a", uri: "s3://a"}) { id }
          doc: createDocArtifact(versionId: $v, input: {name: "card", uri: "s3://card"}) {
            id } }""",
        v=vid,
    )
    updated = await ok(
        client,
        """mutation($m: ID!, $a: ID!, $doc: ID!, $dep: ID!, $r: ID!, $dv: ID!) {
          m: updateRegisteredModel(id: $m, input: {description: "new", framework: "sklearn"}) {
            description framework owner updatedBy }
          a: updateModelArtifact(id: $a, input: {digest: "sha256:1"}) { digest uri }
          doc: updateDocArtifact(id: $doc, input: {artifactState: LIVE}) { artifactState }
          dep: updateDeployment(id: $dep, input: {status: FAILED}) { status }
          r: updateExecution(id: $r, input: {status: COMPLETED}) { status type }
          dv: updateDatasetVersion(id: $dv, input: {bytes: 99}) { rows bytes } }""",
        user="editor",
        m=data["m"]["id"],
        a=arts["a"]["id"],
        doc=arts["doc"]["id"],
        dep=children["dep"]["id"],
        r=children["r"]["id"],
        dv=children["dv"]["id"],
    )
    assert updated["m"] == {
        "description": "new",
        "framework": "sklearn",
        "owner": "o",
        "updatedBy": "editor",
    }
    assert updated["a"] == {"digest": "sha256:1", "uri": "s3://a"}
    assert updated["r"] == {"status": "COMPLETED", "type": "TRAINING"}
    assert updated["dv"] == {"rows": 10, "bytes": 99}
    archived = await ok(
        client, "mutation($id: ID!) { archive(id: $id) { state kind } }", id=data["m"]["id"]
    )
    assert archived["archive"] == {"state": "ARCHIVED", "kind": "RegisteredModel"}
    error = await err(
        client,
        'mutation($m: ID!) { createModelVersion(modelId: $m, input: {name: "v2"}) { id } }',
        m=data["m"]["id"],
    )
    assert error["extensions"]["code"] == "FAILED_PRECONDITION"
    back = await ok(
        client, "mutation($id: ID!) { unarchive(id: $id) { state } }", id=data["m"]["id"]
    )
    assert back["unarchive"]["state"] == "LIVE"


async def test_tags_and_typed_maps(client: httpx.AsyncClient) -> None:
    reg = await _version(client)
    mid = reg["model"]["id"]
    q = "mutation($id: ID!, $t: [String!]!) { %s(id: $id, tags: $t) { tags } }"
    assert (await ok(client, q % "setTags", id=mid, t=["a", "b"]))["setTags"]["tags"] == ["a", "b"]
    assert (await ok(client, q % "addTags", id=mid, t=["c", "a"]))["addTags"]["tags"] == [
        "a",
        "b",
        "c",
    ]
    assert (await ok(client, q % "removeTags", id=mid, t=["b"]))["removeTags"]["tags"] == ["a", "c"]
    set_cp = """mutation($id: ID!, $p: [TypedValueInput!]!, $r: Boolean!) {
      setCustomProperties(id: $id, properties: $p, replace: $r) { customProperties { key } } }"""
    props = [
        {"key": "a", "type": "STRING", "stringValue": "x"},
        {"key": "b", "type": "JSON", "jsonValue": {"k": 1}},
    ]
    data = await ok(client, set_cp, id=mid, p=props, r=False)
    assert [c["key"] for c in data["setCustomProperties"]["customProperties"]] == ["a", "b"]
    data = await ok(client, set_cp, id=mid, p=[props[0] | {"key": "c"}], r=False)
    assert [c["key"] for c in data["setCustomProperties"]["customProperties"]] == ["a", "b", "c"]
    data = await ok(client, set_cp, id=mid, p=[props[0] | {"key": "z"}], r=True)
    assert [c["key"] for c in data["setCustomProperties"]["customProperties"]] == ["z"]
    data = await ok(
        client,
        'mutation($id: ID!) { removeCustomProperties(id: $id, keys: ["z"]) '
        "{ customProperties { key } } }",
        id=mid,
    )
    assert data["removeCustomProperties"]["customProperties"] == []
    data = await ok(
        client,
        """mutation($id: ID!) {
          setMetadata(id: $id, entries: [{key: "notes", type: STRING, stringValue: "hi"},
                                         {key: "n", type: INT, intValue: 3}]) { id }
          removeMetadata(id: $id, keys: ["n"]) { metadata { key stringValue } } }""",
        id=mid,
    )
    assert data["removeMetadata"]["metadata"] == [{"key": "notes", "stringValue": "hi"}]
    wrong = await err(
        client,
        'mutation($id: ID!) { setMetadata(id: $id, entries: [{key: "n", type: INT, '
        'stringValue: "x"}]) { id } }',
        id=mid,
    )
    assert wrong["extensions"]["code"] == "INVALID_ARGUMENT"
    assert wrong["extensions"]["field"] == "entries[0]"


async def test_log_metrics_history(client: httpx.AsyncClient) -> None:
    reg = await _version(client)
    data = await ok(
        client,
        """mutation($id: ID!) {
          logMetrics(id: $id, metrics: [{key: "loss", value: 0.9, step: 1},
                                        {key: "loss", value: 0.4, step: 2}]) {
            ... on ModelVersion { metrics { key value } metricHistory { value step } } } }""",
        id=reg["version"]["id"],
    )
    mv = data["logMetrics"]
    assert mv["metrics"] == [{"key": "loss", "value": 0.4}]
    assert [p["step"] for p in mv["metricHistory"]] == [1, 2]


async def test_stage_workflow(client: httpx.AsyncClient) -> None:
    vid = (await _version(client))["version"]["id"]
    error = await err(client, TRANSITION, id=vid, to="PRODUCTION")
    assert error["extensions"]["code"] == "FAILED_PRECONDITION"
    for stage in ("STAGING", "PRODUCTION", "DEVELOPMENT", "ARCHIVED"):
        assert (await ok(client, TRANSITION, id=vid, to=stage))["transitionStage"]["stage"] == stage
    error = await err(client, TRANSITION, id=vid, to="STAGING")
    assert error["extensions"]["code"] == "FAILED_PRECONDITION"
    data = await ok(
        client,
        "query($id: ID!) { modelVersion(id: $id) { stageHistory { fromStage toStage by } } }",
        id=vid,
    )
    assert [(t["fromStage"], t["toStage"]) for t in data["modelVersion"]["stageHistory"]] == [
        ("DEVELOPMENT", "STAGING"),
        ("STAGING", "PRODUCTION"),
        ("PRODUCTION", "DEVELOPMENT"),
        ("DEVELOPMENT", "ARCHIVED"),
    ]


async def _exec(db: Database, settings: Settings, query: str, user: str, **v: Any) -> Any:
    return await schema.execute(
        query, variable_values=v, context_value=Context(db=db, settings=settings, user=user)
    )


async def test_production_requires_approval_by_someone_else(
    db: Database, settings: Settings
) -> None:
    strict = settings.model_copy(update={"require_approval_for_production": True})
    reg = await _exec(db, strict, REGISTER, "alice", m="m", v="v1")
    vid = reg.data["registerModel"]["version"]["id"]
    assert not (await _exec(db, strict, TRANSITION, "alice", id=vid, to="STAGING")).errors
    approve = """mutation($id: ID!) {
      approveVersion(versionId: $id, stage: PRODUCTION, comment: "lgtm") { by stage } }"""
    own = await _exec(db, strict, approve, "alice", id=vid)
    assert own.errors and own.errors[0].extensions["code"] == "FORBIDDEN"  # four eyes
    denied = await _exec(db, strict, TRANSITION, "alice", id=vid, to="PRODUCTION")
    assert denied.errors and denied.errors[0].extensions["code"] == "FAILED_PRECONDITION"
    approved = await _exec(db, strict, approve, "bob", id=vid)
    assert approved.data["approveVersion"] == {"by": "bob", "stage": "PRODUCTION"}
    done = await _exec(db, strict, TRANSITION, "alice", id=vid, to="PRODUCTION")
    assert not done.errors and done.data["transitionStage"]["stage"] == "PRODUCTION"


async def test_aliases_with_history(client: httpx.AsyncClient) -> None:
    v1 = await _version(client, "m", "v1")
    v2 = await _version(client, "m", "v2")
    mid = v1["model"]["id"]
    set_alias = """mutation($m: ID!, $v: ID!) {
      setAlias(modelId: $m, alias: "champion", versionId: $v) { alias versionId until } }"""
    await ok(client, set_alias, m=mid, v=v1["version"]["id"])
    await ok(client, set_alias, m=mid, v=v2["version"]["id"])
    data = await ok(
        client,
        """query($m: ID!) { registeredModel(id: $m) {
             aliases { alias version { name } }
             aliasHistory { alias versionId until }
             versions { name aliases } } }""",
        m=mid,
    )
    model = data["registeredModel"]
    assert model["aliases"] == [{"alias": "champion", "version": {"name": "v2"}}]
    history = model["aliasHistory"]
    assert [h["versionId"] for h in history] == [v1["version"]["id"], v2["version"]["id"]]
    assert history[0]["until"] is not None and history[1]["until"] is None
    assert model["versions"] == [
        {"name": "v1", "aliases": []},
        {"name": "v2", "aliases": ["champion"]},
    ]
    other = await _version(client, "other", "v1")
    error = await err(client, set_alias, m=mid, v=other["version"]["id"])
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    removed = await ok(
        client, 'mutation($m: ID!) { removeAlias(modelId: $m, alias: "champion") { until } }', m=mid
    )
    assert removed["removeAlias"]["until"] is not None
    error = await err(
        client, 'mutation($m: ID!) { removeAlias(modelId: $m, alias: "champion") { until } }', m=mid
    )
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_deploy_undeploy_history(client: httpx.AsyncClient) -> None:
    v1 = (await _version(client, "m", "v1"))["version"]["id"]
    v2 = (await _version(client, "m", "v2"))["version"]["id"]
    await ok(client, 'mutation { createServingEnvironment(input: {name: "prod"}) { id } }')
    deploy = """mutation($v: ID!) {
      deploy(versionId: $v, servingEnvironment: "prod", deploymentName: "svc") { id status } }"""
    first = (await ok(client, deploy, v=v1))["deploy"]
    second = (await ok(client, deploy, v=v2))["deploy"]
    assert first["id"] == second["id"] and second["status"] == "RUNNING"
    data = await ok(
        client,
        """query($id: ID!) { deployment(id: $id) {
             deploymentHistory { version { name } until by } } }""",
        id=first["id"],
    )
    history = data["deployment"]["deploymentHistory"]
    assert [h["version"]["name"] for h in history] == ["v2", "v1"]
    assert history[0]["until"] is None and history[1]["until"] is not None
    current = await ok(
        client,
        """query($a: ID!, $b: ID!) { a: modelVersion(id: $a) { currentDeployments { name } }
                                    b: modelVersion(id: $b) { currentDeployments { name } } }""",
        a=v1,
        b=v2,
    )
    assert current == {
        "a": {"currentDeployments": []},
        "b": {"currentDeployments": [{"name": "svc"}]},
    }
    stopped = await ok(
        client, "mutation($d: ID!) { undeploy(deploymentId: $d) { status } }", d=first["id"]
    )
    assert stopped["undeploy"]["status"] == "STOPPED"
    after = await ok(
        client, "query($b: ID!) { modelVersion(id: $b) { currentDeployments { name } } }", b=v2
    )
    assert after["modelVersion"]["currentDeployments"] == []


async def test_register_with_unknown_dataset_leaves_nothing(client: httpx.AsyncClient) -> None:
    error = await err(
        client,
        """mutation { registerModel(input: {modelName: "ghost", versionName: "v1",
             artifact: {uri: "s3://x"},
             training: {datasets: [{datasetName: "nope", version: "v1"}]}}) { model { id } } }""",
    )
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "training.datasets[0]"
    data = await ok(
        client, '{ registeredModel(name: "ghost") { id } registeredModels { totalCount } }'
    )
    assert data == {"registeredModel": None, "registeredModels": {"totalCount": 0}}


async def test_register_lineage_and_upsert(client: httpx.AsyncClient) -> None:
    ds = await ok(client, 'mutation { createDataset(input: {name: "d"}) { id } }')
    dv = await ok(
        client,
        'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }',
        d=ds["createDataset"]["id"],
    )
    q = """mutation($v: String!, $dv: ID!) { registerModel(input: {modelName: "m", versionName: $v,
        training: {datasets: [{id: $dv, role: "validation"}]}}) {
          model { id } execution { id type name } } }"""
    a = (await ok(client, q, v="v1", dv=dv["createDatasetVersion"]["id"]))["registerModel"]
    b = (await ok(client, q, v="v2", dv=dv["createDatasetVersion"]["id"]))["registerModel"]
    assert a["model"]["id"] == b["model"]["id"]
    assert a["execution"]["type"] == "TRAINING"
    dup = await err(client, q, v="v2", dv=dv["createDatasetVersion"]["id"])
    assert dup["extensions"]["code"] == "CONFLICT"


async def test_client_errors_are_never_internal(client: httpx.AsyncClient) -> None:
    long_name = "x" * 300
    cases = [
        ('mutation { createDataset(input: {name: "d", bogus: 1}) { id } }', {}),
        ("mutation { createDataset(input: {name: 5}) { id } }", {}),
        ("mutation($n: String!) { createDataset(input: {name: $n}) { id } }", {"n": long_name}),
        ('{ registeredModels(after: "garbage!") { nodes { id } } }', {}),
        ("{ registeredModels(first: 101) { nodes { id } } }", {}),
        ('{ registeredModels(filter: {field: NOPE, op: EQ, value: "x"}) { nodes { id } } }', {}),
        ('{ registeredModels(filter: {field: NAME, op: IN, value: "x"}) { nodes { id } } }', {}),
        ("{ registeredModels(filter: {field: NAME}) { nodes { id } } }", {}),
        ('mutation { transitionStage(versionId: "nope", to: STAGING) { id } }', {}),
        ('mutation { archive(id: "nope") { id } }', {}),
        ('{ modelVersion(modelName: "m") { id } }', {}),
    ]
    codes = []
    for query, variables in cases:
        error = await err(client, query, **variables)
        codes.append(error["extensions"]["code"])
    assert "INTERNAL" not in codes
    assert codes[2:5] == ["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT"]
    assert codes[8:10] == ["NOT_FOUND", "NOT_FOUND"]
    big = await err(client, "{ registeredModels(first: 101) { nodes { id } } }")
    assert big["extensions"] == {"code": "INVALID_ARGUMENT", "field": "first"}
    assert "100" in big["message"]


async def test_concurrent_duplicates_conflict(client: httpx.AsyncClient) -> None:
    create = 'mutation { createRegisteredModel(input: {name: "race"}) { id } }'
    bodies = await asyncio.gather(*(gql(client, create) for _ in range(8)))
    codes = sorted(
        "OK" if "errors" not in b else b["errors"][0]["extensions"]["code"]  # type: ignore[index]
        for b in bodies
    )
    assert codes == ["CONFLICT"] * 7 + ["OK"]
    mid = (await ok(client, '{ registeredModel(name: "race") { id } }'))["registeredModel"]["id"]
    version = 'mutation($m: ID!) { createModelVersion(modelId: $m, input: {name: "v1"}) { id } }'
    bodies = await asyncio.gather(*(gql(client, version, {"m": mid}) for _ in range(8)))
    assert sum("errors" not in b for b in bodies) == 1
    data = await ok(client, "query($m: ID!) { modelVersions(modelId: $m) { totalCount } }", m=mid)
    assert data["modelVersions"]["totalCount"] == 1


async def test_concurrent_transitions_and_deploys_stay_consistent(
    client: httpx.AsyncClient,
) -> None:
    vid = (await _version(client))["version"]["id"]
    bodies = await asyncio.gather(
        *(gql(client, TRANSITION, {"id": vid, "to": "STAGING"}) for _ in range(6))
    )
    assert sum("errors" not in b for b in bodies) == 1
    data = await ok(
        client, "query($id: ID!) { modelVersion(id: $id) { stageHistory { toStage } } }", id=vid
    )
    assert data["modelVersion"]["stageHistory"] == [{"toStage": "STAGING"}]
    await ok(client, 'mutation { createServingEnvironment(input: {name: "prod"}) { id } }')
    versions = [vid] + [
        (await _version(client, "m", f"v{n}"))["version"]["id"] for n in range(2, 6)
    ]
    deploy = """mutation($v: ID!) {
      deploy(versionId: $v, servingEnvironment: "prod", deploymentName: "svc") { id } }"""
    bodies = await asyncio.gather(*(gql(client, deploy, {"v": v}) for v in versions))
    assert all("errors" not in b for b in bodies), bodies
    data = await ok(
        client,
        '{ deployment(servingEnvironmentName: "prod", name: "svc") '
        "{ deploymentHistory { until } } }",
    )
    history = data["deployment"]["deploymentHistory"]
    assert len(history) == 5
    assert sum(h["until"] is None for h in history) == 1


async def test_concurrent_register_model_upserts(client: httpx.AsyncClient) -> None:
    bodies = await asyncio.gather(
        *(gql(client, REGISTER, {"m": "same", "v": f"v{n}"}) for n in range(4))
    )
    assert all("errors" not in b for b in bodies), bodies
    model_ids = {b["data"]["registerModel"]["model"]["id"] for b in bodies}  # type: ignore[index]
    assert len(model_ids) == 1


async def test_register_model_writes_every_metric_in_one_statement(
    db: Database, settings: Settings
) -> None:
    """The version's metrics and its training run's go through the one metric writer at once."""
    register = """mutation {
      registerModel(input: {
        modelName: "m", versionName: "v1", artifact: {uri: "s3://a"},
        version: {metrics: [{key: "auc", value: 0.9}]},
        training: {metrics: [
          {key: "loss", value: 0.3, step: 1}, {key: "loss", value: 0.2, step: 2}]}
      }) { version { metrics { key value } } execution { metrics { key value } } } }"""
    db.round_trips.names.clear()
    result = await _exec(db, settings, register, "alice")
    assert not result.errors, result.errors
    reg = result.data["registerModel"]
    assert reg["version"]["metrics"] == [{"key": "auc", "value": 0.9}]
    assert reg["execution"]["metrics"] == [{"key": "loss", "value": 0.2}]
    assert db.round_trips.names.count("registry/add_metric_points") == 1
