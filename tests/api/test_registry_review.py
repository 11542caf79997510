"""What a production client would hit: bad values, late failures, actors, archived rules, limits."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from modelgraph.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.api.test_registry_workflow import err, ok
from tests.conftest import gql

REGISTER = """mutation($m: String!, $v: String!) {
  registerModel(input: {modelName: $m, versionName: $v}) { model { id } version { id } } }"""
CP = 'mutation { createRegisteredModel(input: {name: "a", customProperties: [%s]}) { id } }'


async def test_wrong_scalar_values_and_ranges_are_client_errors(client: httpx.AsyncClient) -> None:
    for literal in ('intValue: "x"', "intValue: 99999999999999999999999", "intValue: true"):
        error = await err(client, CP % f'{{key: "k", type: INT, {literal}}}')
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
    variable = """mutation($v: Long) { createRegisteredModel(input: {name: "a",
      customProperties: [{key: "k", type: INT, intValue: $v}]}) { id } }"""
    for value in ("x", 2**70, 1.5):
        error = await err(client, variable, v=value)
        assert error["extensions"] == {"code": "INVALID_ARGUMENT"}, error
    error = await err(
        client, 'mutation { createExecution(input: {name: "r", startTime: 1.5}) { id } }'
    )
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    cases = [
        ('createDataset(input: {name: "d"}) { id }', None),
        (
            'registerModel(input: {modelName: "m", versionName: "v", artifact: {sizeBytes: -1}}) '
            "{ model { id } }",
            "input.artifact.sizeBytes",
        ),
        (
            'registerModel(input: {modelName: "m", versionName: "v", version: '
            "{inferenceLatencyMs: -0.5}}) { model { id } }",
            "input.version.inferenceLatencyMs",
        ),
        ('createServingEnvironment(input: {name: "e", externalId: ""}) { id }', "input.externalId"),
        ('createExecution(input: {name: "r", startTime: 10, endTime: 5}) { id }', "input.endTime"),
    ]
    for mutation, field in cases:
        body = await gql(client, "mutation { " + mutation + " }")
        if field is None:
            assert "errors" not in body, body
            continue
        assert body["errors"][0]["extensions"] == {  # type: ignore[index]
            "code": "INVALID_ARGUMENT",
            "field": field,
        }, body
    dataset = (await ok(client, '{ dataset(name: "d") { id } }'))["dataset"]["id"]
    for bad, field in (
        ("{rows: -5}", "input.rows"),
        ("{bytes: -1}", "input.bytes"),
    ):
        error = await err(
            client,
            'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v", '
            + bad[1:]
            + ") { id } }",
            d=dataset,
        )
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": field}
    env = 'mutation { createServingEnvironment(input: {name: "e"}) { id } }'
    await ok(client, env)
    vid = (await ok(client, REGISTER, m="m", v="v1"))["registerModel"]["version"]["id"]
    error = await err(
        client,
        """mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "e", deploymentName: "d",
          input: {minReplicas: 4, maxReplicas: 2}) { id } }""",
        v=vid,
    )
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "input.maxReplicas"}
    for managed in ("status: STOPPED", 'name: "other"'):
        error = await err(
            client,
            'mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "e", '
            f'deploymentName: "d", input: {{{managed}}}) {{ id }} }}',
            v=vid,
        )
        assert error["extensions"]["field"] == "input." + managed.split(":")[0]
    data = await ok(client, "{ deployments { totalCount } }")
    assert data["deployments"]["totalCount"] == 0


async def test_new_versions_are_found_by_their_stage(client: httpx.AsyncClient) -> None:
    await ok(client, REGISTER, m="m", v="v1")
    created = await ok(client, 'mutation { createRegisteredModel(input: {name: "n"}) { id } }')
    await ok(
        client,
        'mutation($m: ID!) { createModelVersion(modelId: $m, input: {name: "v1"}) { id } }',
        m=created["createRegisteredModel"]["id"],
    )
    query = """query($f: ModelVersionFilter) { modelVersions(filter: $f) { totalCount } }"""
    for flt in (
        {"field": "STAGE", "op": "EQ", "value": "DEVELOPMENT"},
        {"field": "STAGE", "op": "IN", "value": ["DEVELOPMENT", "STAGING"]},
        {"not": {"field": "STAGE", "op": "NE", "value": "DEVELOPMENT"}},
    ):
        assert (await ok(client, query, f=flt))["modelVersions"]["totalCount"] == 2, flt


async def test_mutations_failing_late_leave_no_partial_write(client: httpx.AsyncClient) -> None:
    # The artifact's externalId collides only when it is created, after model and version.
    first = await ok(
        client,
        """mutation { registerModel(input: {modelName: "first", versionName: "v1",
          artifact: {uri: "s3://a", externalId: "art-1"}}) { model { id } version { id } } }""",
    )
    error = await err(
        client,
        """mutation { registerModel(input: {modelName: "late", versionName: "v1",
          version: {metrics: [{key: "acc", value: 0.9}]},
          artifact: {uri: "s3://b", externalId: "art-1"},
          training: {hyperparameters: [{key: "d", type: INT, intValue: 3}]}}) { model { id } } }""",
    )
    assert error["extensions"]["code"] == "CONFLICT"
    counts = """{ registeredModel(name: "late") { id } registeredModels { totalCount }
      modelVersions { totalCount } modelArtifacts { totalCount } executions { totalCount } }"""
    assert await ok(client, counts) == {
        "registeredModel": None,
        "registeredModels": {"totalCount": 1},
        "modelVersions": {"totalCount": 1},
        "modelArtifacts": {"totalCount": 1},
        "executions": {"totalCount": 0},
    }
    model_id = first["registerModel"]["model"]["id"]
    version_id = first["registerModel"]["version"]["id"]
    before = await ok(
        client,
        "query($m: ID!) { registeredModel(id: $m) { updatedAt aliasHistory { alias } } }",
        m=model_id,
    )
    other = (await ok(client, REGISTER, m="other", v="v1"))["registerModel"]["version"]["id"]
    error = await err(
        client,
        """mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) {
          alias } }""",
        m=model_id,
        v=other,
    )
    assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "versionId"}
    error = await err(
        client,
        """mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "nowhere",
          deploymentName: "d") { id } }""",
        v=version_id,
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "servingEnvironment"}
    error = await err(
        client,
        """mutation { deploy(versionId: "nope", servingEnvironment: "nowhere",
          deploymentName: "d") { id } }""",
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "versionId"}
    after = await ok(
        client,
        """query($m: ID!) { registeredModel(id: $m) { updatedAt aliasHistory { alias } }
          deployments { totalCount } }""",
        m=model_id,
    )
    assert after == {**before, "deployments": {"totalCount": 0}}


async def test_every_mutation_records_the_acting_user(client: httpx.AsyncClient) -> None:
    reg = (await ok(client, REGISTER, user="ann", m="m", v="v1"))["registerModel"]
    mid, vid = reg["model"]["id"], reg["version"]["id"]
    env = await ok(client, 'mutation { createServingEnvironment(input: {name: "e"}) { id } }')
    read = """query($id: ID!) { node(id: $id) { author updatedBy updatedAt } }"""
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ('mutation($id: ID!) { addTags(id: $id, tags: ["t"]) { id } }', vid, {}),
        ('mutation($id: ID!) { removeTags(id: $id, tags: ["t"]) { id } }', vid, {}),
        ('mutation($id: ID!) { setTags(id: $id, tags: ["u"]) { id } }', vid, {}),
        (
            "mutation($id: ID!) { setCustomProperties(id: $id, properties: "
            '[{key: "k", type: BOOL, boolValue: true}]) { id } }',
            vid,
            {},
        ),
        ('mutation($id: ID!) { removeCustomProperties(id: $id, keys: ["k"]) { id } }', vid, {}),
        (
            'mutation($id: ID!) { setMetadata(id: $id, entries: [{key: "notes", type: STRING, '
            'stringValue: "n"}]) { id } }',
            vid,
            {},
        ),
        ('mutation($id: ID!) { removeMetadata(id: $id, keys: ["notes"]) { id } }', vid, {}),
        (
            'mutation($id: ID!) { logMetrics(id: $id, metrics: [{key: "a", value: 1}]) { id } }',
            vid,
            {},
        ),
        ("mutation($id: ID!) { transitionStage(versionId: $id, to: STAGING) { id } }", vid, {}),
        (
            "mutation($id: ID!) { approveVersion(versionId: $id, stage: PRODUCTION) { by } }",
            vid,
            {},
        ),
        (
            'mutation($id: ID!) { updateModelVersion(id: $id, input: {description: "d"}) { id } }',
            vid,
            {},
        ),
        (
            'mutation($id: ID!, $v: ID!) { setAlias(modelId: $id, alias: "c", versionId: $v) '
            "{ alias } }",
            mid,
            {"v": vid},
        ),
        ('mutation($id: ID!) { removeAlias(modelId: $id, alias: "c") { alias } }', mid, {}),
        ("mutation($id: ID!) { archive(id: $id) { id } }", mid, {}),
        ("mutation($id: ID!) { unarchive(id: $id) { id } }", mid, {}),
        (
            'mutation($id: ID!) { updateServingEnvironment(id: $id, input: {region: "eu"}) '
            "{ id } }",
            env["createServingEnvironment"]["id"],
            {},
        ),
    ]
    last = (await ok(client, read, id=vid))["node"]["updatedAt"]
    for n, (mutation, target, extra) in enumerate(steps):
        user = f"user-{n}"
        await ok(client, mutation, user=user, id=target, **extra)
        node = (await ok(client, read, id=target))["node"]
        assert node["updatedBy"] == user, mutation
        assert node["author"] == (
            "ann" if target != env["createServingEnvironment"]["id"] else "tester"
        )
        if target == vid:
            assert node["updatedAt"] >= last, mutation
            last = node["updatedAt"]
    deployed = await ok(
        client,
        """mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "e", deploymentName: "d")
          { id author updatedBy deploymentHistory { by } } }""",
        user="deployer",
        v=vid,
    )
    assert deployed["deploy"]["author"] == deployed["deploy"]["updatedBy"] == "deployer"
    stopped = await ok(
        client,
        """mutation($d: ID!) { undeploy(deploymentId: $d) { updatedBy status
          deploymentHistory { by until } } }""",
        user="stopper",
        d=deployed["deploy"]["id"],
    )
    assert stopped["undeploy"]["updatedBy"] == "stopper"
    assert stopped["undeploy"]["status"] == "STOPPED"
    [record] = stopped["undeploy"]["deploymentHistory"]
    assert record["by"] == "deployer" and record["until"] is not None


async def test_archived_entities_keep_updates_but_refuse_new_children_and_aliases(
    client: httpx.AsyncClient,
) -> None:
    reg = (await ok(client, REGISTER, m="m", v="v1"))["registerModel"]
    mid, vid = reg["model"]["id"], reg["version"]["id"]
    await ok(client, "mutation($id: ID!) { archive(id: $id) { id } }", id=vid)
    updated = await ok(
        client,
        'mutation($id: ID!) { updateModelVersion(id: $id, input: {description: "why"}) '
        "{ state description } }",
        id=vid,
    )
    assert updated["updateModelVersion"] == {"state": "ARCHIVED", "description": "why"}
    refused = [
        (
            'mutation($id: ID!) { createModelArtifact(versionId: $id, input: {name: "a"}) { id } }',
            {"id": vid},
            "parentId",
        ),
        (
            'mutation($m: ID!, $id: ID!) { setAlias(modelId: $m, alias: "c", versionId: $id) '
            "{ alias } }",
            {"m": mid, "id": vid},
            "versionId",
        ),
        (
            "mutation($id: ID!) { transitionStage(versionId: $id, to: STAGING) { id } }",
            {"id": vid},
            "versionId",
        ),
    ]
    for mutation, variables, field in refused:
        error = await err(client, mutation, **variables)
        assert error["extensions"] == {"code": "FAILED_PRECONDITION", "field": field}, mutation
    await ok(client, "mutation($id: ID!) { archive(id: $id) { id } }", id=mid)
    error = await err(client, REGISTER, m="m", v="v2")
    assert error["extensions"] == {"code": "FAILED_PRECONDITION", "field": "modelName"}


async def test_concurrent_alias_moves_keep_one_holder(client: httpx.AsyncClient) -> None:
    regs = [(await ok(client, REGISTER, m="m", v=f"v{n}"))["registerModel"] for n in range(6)]
    mid = regs[0]["model"]["id"]
    move = """mutation($m: ID!, $v: ID!) {
      setAlias(modelId: $m, alias: "champion", versionId: $v) { alias } }"""
    bodies = await asyncio.gather(
        *(gql(client, move, {"m": mid, "v": r["version"]["id"]}) for r in regs)
    )
    assert all("errors" not in b for b in bodies), bodies
    data = await ok(
        client,
        """query($m: ID!) { registeredModel(id: $m) { aliases { alias }
          aliasHistory { until } versions { aliases } } }""",
        m=mid,
    )
    model = data["registeredModel"]
    assert model["aliases"] == [{"alias": "champion"}]
    assert len(model["aliasHistory"]) == 6
    assert sum(h["until"] is None for h in model["aliasHistory"]) == 1
    assert sum(v["aliases"] == ["champion"] for v in model["versions"]) == 1


async def test_query_limits_are_client_errors_on_the_live_server(
    client: httpx.AsyncClient,
) -> None:
    await ok(client, REGISTER, m="m", v="v1")

    def nested(levels: int) -> str:
        inner = "name"
        for n in range(levels):
            inner = f"versions(first: 1) {{ {inner} }}" if n % 2 == 0 else f"model {{ {inner} }}"
        return f"{{ registeredModels {{ nodes {{ {inner} }} }} }}"

    # registeredModels and nodes are depth 0 and 1: MAX_DEPTH - 2 nested fields reach the limit.
    within = await gql(client, nested(MAX_DEPTH - 2))
    assert "errors" not in within, within
    too_deep = await gql(client, nested(MAX_DEPTH))
    assert "exceeds maximum operation depth" in too_deep["errors"][0]["message"]  # type: ignore[index]
    many = "{ " + " ".join(f"a{n}: serverVersion" for n in range(MAX_ALIASES + 1)) + " }"
    body = await gql(client, many)
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"  # type: ignore[index]
    big = "{ " + " ".join("serverVersion" for _ in range(MAX_TOKENS)) + " }"
    body = await gql(client, big)
    assert "more than" in body["errors"][0]["message"]  # type: ignore[index]
    for response in (too_deep, body):
        errors: list[dict[str, Any]] = response["errors"]  # type: ignore[assignment]
        assert "INTERNAL" not in [e.get("extensions", {}).get("code") for e in errors]


async def test_too_many_keys_in_one_request_are_refused(client: httpx.AsyncClient) -> None:
    vid = (await ok(client, REGISTER, m="m", v="v1"))["registerModel"]["version"]["id"]
    many = 1001
    cases = [
        (
            "mutation($id: ID!, $x: [TypedValueInput!]!) { setCustomProperties(id: $id, "
            "properties: $x) { id } }",
            [{"key": f"k{n}", "type": "INT", "intValue": n} for n in range(many)],
            "properties",
        ),
        (
            "mutation($id: ID!, $x: [String!]!) { removeMetadata(id: $id, keys: $x) { id } }",
            [f"k{n}" for n in range(many)],
            "keys",
        ),
        (
            "mutation($id: ID!, $x: [MetricInput!]!) { logMetrics(id: $id, metrics: $x) { id } }",
            [{"key": "loss", "value": 0.1, "step": n} for n in range(many)],
            "metrics",
        ),
        (
            "mutation($id: ID!, $x: [String!]!) { setTags(id: $id, tags: $x) { id } }",
            [f"t{n}" for n in range(257)],
            "tags",
        ),
    ]
    for mutation, values, field in cases:
        error = await err(client, mutation, id=vid, x=values)
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": field}, mutation
        assert error["message"].startswith("at most")
    data = await ok(
        client,
        "query($id: ID!) { modelVersion(id: $id) { customProperties { key } metricHistory "
        "{ step } tags } }",
        id=vid,
    )
    assert data["modelVersion"] == {"customProperties": [], "metricHistory": [], "tags": []}


async def test_cursors_only_work_with_their_own_ordering(client: httpx.AsyncClient) -> None:
    for name in ("a", "b", "c"):
        await ok(client, REGISTER, m=name, v="v1")
    page = """query($after: String, $order: OrderBy) { registeredModels(first: 1, after: $after,
      orderBy: $order) { nodes { name } pageInfo { endCursor } } }"""
    by_name = {"field": "NAME", "direction": "ASC"}
    first = (await ok(client, page, order=by_name))["registeredModels"]
    cursor = first["pageInfo"]["endCursor"]
    second = await ok(client, page, after=cursor, order=by_name)
    assert second["registeredModels"]["nodes"] == [{"name": "b"}]
    for order in ({"field": "CREATED", "direction": "ASC"}, {"field": "UPDATED"}):
        error = await err(client, page, after=cursor, order=order)
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "after"}
    for bad in ("", "not-base64!", "W10", "WyJuYW1lIl0"):
        error = await err(client, page, after=bad, order=by_name)
        assert error["extensions"] == {"code": "INVALID_ARGUMENT", "field": "after"}, bad


async def test_concurrent_tag_edits_are_not_lost(client: httpx.AsyncClient) -> None:
    vid = (await ok(client, REGISTER, m="m", v="v1"))["registerModel"]["version"]["id"]
    add = "mutation($id: ID!, $t: String!) { addTags(id: $id, tags: [$t]) { id } }"
    bodies = await asyncio.gather(*(gql(client, add, {"id": vid, "t": f"t{n}"}) for n in range(10)))
    assert all("errors" not in b for b in bodies), bodies
    data = await ok(client, "query($id: ID!) { modelVersion(id: $id) { tags } }", id=vid)
    assert sorted(data["modelVersion"]["tags"]) == sorted(f"t{n}" for n in range(10))
