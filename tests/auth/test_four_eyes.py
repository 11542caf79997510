"""The four-eyes rule with verified principals: the three bypasses of issue 11 are closed.

Each test fails on the code before authentication existed (the header, an empty author, a
rewritten author let the author approve their own version) and passes now.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.auth.conftest import bearer

V1 = "/api/model_registry/v1alpha3"
REGISTER = """mutation($m: String!) {
  registerModel(input: {modelName: $m, versionName: "v1", artifact: {uri: "s3://a"}}) {
    version { id author } } }"""
APPROVE = """mutation($id: ID!) {
  approveVersion(versionId: $id, stage: PRODUCTION, comment: "lgtm") { by } }"""
TRANSITION = """mutation($id: ID!, $to: Stage!) {
  transitionStage(versionId: $id, to: $to) { stage } }"""
VERSION = "query($id: ID!) { modelVersion(id: $id) { author stage approvals { by } } }"


async def gql(
    http: httpx.AsyncClient, token: str, query: str, headers: dict[str, str] | None = None, **v: Any
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": v},
        headers={**bearer(token), **(headers or {})},
    )
    body: dict[str, Any] = response.json()
    return body


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def _rest_version(http: httpx.AsyncClient, token: str, **extra: Any) -> str:
    model = await http.post(f"{V1}/registered_models", json={"name": "m"}, headers=bearer(token))
    assert model.status_code == 201, model.text
    body = {"name": "v1", "registeredModelId": model.json()["id"], **extra}
    version = await http.post(f"{V1}/model_versions", json=body, headers=bearer(token))
    assert version.status_code == 201, version.text
    kf_id: str = version.json()["id"]
    return kf_id


async def _graph_id(http: httpx.AsyncClient, token: str, kf_id: str) -> str:
    found = await gql(http, token, "{ modelVersions(first: 5) { nodes { id name author } } }")
    [node] = found["data"]["modelVersions"]["nodes"]
    return str(node["id"])


async def test_header_impersonation_records_the_real_principal(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    """Bypass 1: alice approves her own version by sending someone else's user header."""
    impersonate = {"x-modelgraph-user": "bob"}
    reg = await gql(oidc_client, tokens["alice"], REGISTER, impersonate, m="m")
    version = reg["data"]["registerModel"]["version"]
    assert version["author"] == "alice"
    await gql(oidc_client, tokens["alice"], TRANSITION, impersonate, id=version["id"], to="STAGING")
    approval = await gql(oidc_client, tokens["alice"], APPROVE, impersonate, id=version["id"])
    assert code(approval) == "FORBIDDEN"
    promote = await gql(
        oidc_client, tokens["alice"], TRANSITION, impersonate, id=version["id"], to="PRODUCTION"
    )
    assert code(promote) == "FORBIDDEN"
    state = await gql(oidc_client, tokens["dave"], VERSION, id=version["id"])
    assert state["data"]["modelVersion"] == {"author": "alice", "stage": "STAGING", "approvals": []}


async def test_rest_version_without_credentials_cannot_be_made_or_approved(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    """Bypass 2: a REST version without a user (no author) approved by "anonymous"."""
    anonymous = await oidc_client.post(f"{V1}/registered_models", json={"name": "m"})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHENTICATED"
    await _rest_version(oidc_client, tokens["alice"])
    vid = await _graph_id(oidc_client, tokens["alice"], "")
    no_token = await oidc_client.post(
        "/graphql",
        json={"query": APPROVE, "variables": {"id": vid}},
        headers={"x-modelgraph-user": "anonymous"},
    )
    assert no_token.status_code == 401
    state = await gql(oidc_client, tokens["dave"], VERSION, id=vid)
    assert state["data"]["modelVersion"]["author"] == "alice"
    assert state["data"]["modelVersion"]["approvals"] == []


async def test_rest_patch_cannot_rewrite_the_author(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    """Bypass 3: PATCH {"author": "mallory"}, then the real author approves their own version."""
    kf_id = await _rest_version(oidc_client, tokens["alice"], author="mallory")
    vid = await _graph_id(oidc_client, tokens["alice"], kf_id)
    patched = await oidc_client.patch(
        f"{V1}/model_versions/{kf_id}", json={"author": "mallory"}, headers=bearer(tokens["alice"])
    )
    state = await gql(oidc_client, tokens["dave"], VERSION, id=vid)
    assert state["data"]["modelVersion"]["author"] == "alice", patched.text
    await gql(oidc_client, tokens["alice"], TRANSITION, id=vid, to="STAGING")
    assert code(await gql(oidc_client, tokens["alice"], APPROVE, id=vid)) == "FORBIDDEN"

    # The right way: a verified approver who is not the author approves and promotes.
    approved = await gql(oidc_client, tokens["bob"], APPROVE, id=vid)
    assert approved["data"]["approveVersion"] == {"by": "bob"}, approved
    promoted = await gql(oidc_client, tokens["bob"], TRANSITION, id=vid, to="PRODUCTION")
    assert promoted["data"]["transitionStage"] == {"stage": "PRODUCTION"}, promoted


async def test_mallory_cannot_approve_without_the_approver_role(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    reg = await gql(oidc_client, tokens["alice"], REGISTER, m="m")
    vid = reg["data"]["registerModel"]["version"]["id"]
    refused = await gql(oidc_client, tokens["mallory"], APPROVE, id=vid)
    assert code(refused) == "FORBIDDEN"
    assert refused["errors"][0]["extensions"]["missing"] == "role:approver"
