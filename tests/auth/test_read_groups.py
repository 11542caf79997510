# ruff: noqa: E501  (one GraphQL document per line reads best here)
"""Read permissions with real identity-provider tokens: a group grant opens a model to its members."""

from __future__ import annotations

import json

import httpx

from tests.auth.test_read_lineage import call, ok

SETUP = """mutation($d: ID!) {
  registerModel(input: {modelName: "team-model", versionName: "v1",
    model: {description: "TEAM-ONLY"}, training: {datasets: [{id: $d}]}}) { model { id } version { id } } }"""
GRANT = """mutation($r: ID!, $t: GrantSubjectType!, $s: String!, $p: AccessPermission) {
  setPermission(resourceId: $r, subjectType: $t, subject: $s, permission: $p) { permission } }"""
LISTED = "{ registeredModels(first: 50) { totalCount nodes { name } } }"
IMPACT = """{ impact(ref: "team-data:v1") {
  nodes { kind name restricted description } counts { kind count } } }"""


async def test_a_group_grant_reveals_a_closed_model_to_its_members_only(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    alice, carol, bob = tokens["alice"], tokens["carol"], tokens["bob"]
    ds = await ok(
        oidc_client, alice, 'mutation { createDataset(input: {name: "team-data"}) { id } }'
    )
    dv = await ok(
        oidc_client,
        alice,
        'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }',
        d=ds["createDataset"]["id"],
    )
    made = await ok(oidc_client, alice, SETUP, d=dv["createDatasetVersion"]["id"])
    model = made["registerModel"]["model"]["id"]
    # Alice holds MANAGE as the creator: she closes her model to everyone.
    await ok(oidc_client, alice, GRANT, r=model, t="GROUP", s="*", p=None)

    for reader in (carol, bob):
        assert (await ok(oidc_client, reader, LISTED))["registeredModels"]["totalCount"] == 0
        direct = await call(oidc_client, reader, '{ registeredModel(name: "team-model") { id } }')
        assert direct["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        impact = await ok(oidc_client, reader, IMPACT)
        version = next(n for n in impact["impact"]["nodes"] if n["kind"] == "ModelVersion")
        assert version["restricted"] is True and "TEAM-ONLY" not in json.dumps(impact)
    assert (await ok(oidc_client, alice, LISTED))["registeredModels"]["totalCount"] == 1

    await ok(oidc_client, alice, GRANT, r=model, t="GROUP", s="ml-viewers", p="READ")
    listed = await ok(oidc_client, carol, LISTED)
    assert listed["registeredModels"]["nodes"] == [{"name": "team-model"}]
    shown = await ok(oidc_client, carol, '{ registeredModel(name: "team-model") { description } }')
    assert shown["registeredModel"]["description"] == "TEAM-ONLY"
    version = next(
        n
        for n in (await ok(oidc_client, carol, IMPACT))["impact"]["nodes"]
        if n["kind"] == "ModelVersion"
    )
    assert version == {
        "kind": "ModelVersion",
        "name": "v1",
        "restricted": False,
        "description": None,
    }
    # Bob is not in ml-viewers: still closed to him.
    assert (await ok(oidc_client, bob, LISTED))["registeredModels"]["totalCount"] == 0
