# ruff: noqa: E501  (one GraphQL document per line reads best here)
"""Undeploy and lineage links check the model they touch, as deep as a deploy does."""

from __future__ import annotations

import httpx

from modelgraph.domain.access import EVERYONE, Permission, SubjectType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.auth.test_read_lineage import call, ok

WORLD = """mutation {
  m: registerModel(input: {modelName: "depth-model", versionName: "v1"}) { model { id } version { id } }
  h: registerModel(input: {modelName: "depth-hidden", versionName: "v1"}) { model { id } version { id } }
  e: createExperiment(input: {name: "depth-exp"}) { id }
  s: createServingEnvironment(input: {name: "depth-env"}) { id }
}"""


async def test_links_and_undeploy_need_edit_on_the_model_they_touch(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin = (await access.create_token(db, "root", "root", ["admin"], None, actor=SYSTEM)).secret
    mallory = await access.create_token(db, "m", "mallory", ["contributor"], None, actor=SYSTEM)
    world = await ok(http, admin, WORLD)
    model, version = world["m"]["model"]["id"], world["m"]["version"]["id"]
    hidden, hidden_version = world["h"]["model"]["id"], world["h"]["version"]["id"]
    await access.set_grant(db, hidden, SubjectType.GROUP, EVERYONE, None, actor=SYSTEM)
    # Mallory may edit the experiment (so its runs), not the models.
    await access.set_grant(
        db, world["e"]["id"], SubjectType.USER, "mallory", Permission.EDIT, actor=SYSTEM
    )
    run = await ok(
        http,
        mallory.secret,
        'mutation($e: ID!) { createExecution(experimentId: $e, input: {name: "r"}) { id } }',
        e=world["e"]["id"],
    )
    run_id = run["createExecution"]["id"]
    deployed = await ok(
        http,
        admin,
        'mutation($v: ID!) { deploy(versionId: $v, servingEnvironment: "depth-env",'
        ' deploymentName: "depth-dep") { id } }',
        v=version,
    )
    deployment = deployed["deploy"]["id"]

    output = (
        "mutation($x: ID!, $e: ID!) { addExecutionOutput(executionId: $x, entityId: $e) { id } }"
    )
    inp = "mutation($x: ID!, $e: ID!) { addExecutionInput(executionId: $x, entityId: $e) { id } }"
    undeploy = "mutation($d: ID!) { undeploy(deploymentId: $d) { id status } }"
    refusals = [
        (output, {"x": run_id, "e": version}, "permission:EDIT"),
        (inp, {"x": run_id, "e": hidden_version}, "permission:READ"),
        (undeploy, {"d": deployment}, "permission:EDIT"),
    ]
    for doc, variables, missing in refusals:
        body = await call(http, mallory.secret, doc, **variables)
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "missing": missing}, doc
    trace = await ok(http, admin, '{ trace(ref: "depth-env/depth-dep") { nodes { id } } }')
    assert [n["id"] for n in trace["trace"]["nodes"]] == [version]  # nothing was written

    # Reading a model is enough to consume it; EDIT on it lets her record outputs and undeploy.
    assert await ok(http, mallory.secret, inp, x=run_id, e=version)
    await access.set_grant(db, model, SubjectType.USER, "mallory", Permission.EDIT, actor=SYSTEM)
    assert await ok(http, mallory.secret, output, x=run_id, e=version)
    stopped = await ok(http, mallory.secret, undeploy, d=deployment)
    assert stopped["undeploy"]["status"] == "STOPPED"
