"""Lists, filters, counts and search only see what the caller may read, with true cursors."""

from __future__ import annotations

from typing import Any

import httpx

from modelgraph.domain.access import EVERYONE, Permission, SubjectType
from modelgraph.domain.principal import SYSTEM
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.auth.conftest import bearer
from tests.auth.test_read_lineage import call, ok

MODELS = [f"fleet-{i}" for i in range(7)]
HIDDEN = {"fleet-1", "fleet-4", "fleet-5"}
PAGE = """query($first: Int!, $after: String, $filter: RegisteredModelFilter) {
  registeredModels(first: $first, after: $after, filter: $filter,
                   orderBy: {field: NAME, direction: ASC}) {
    totalCount nodes { name } pageInfo { hasNextPage endCursor } } }"""


async def pages(http: httpx.AsyncClient, token: str, first: int, **variables: Any) -> list[str]:
    """Every name, page by page through the cursors; each page's totalCount must agree."""
    names: list[str] = []
    after = None
    totals = set()
    while True:
        data = await ok(http, token, PAGE, first=first, after=after, **variables)
        conn = data["registeredModels"]
        totals.add(conn["totalCount"])
        names.extend(n["name"] for n in conn["nodes"])
        if not conn["pageInfo"]["hasNextPage"]:
            assert totals == {len(names)}
            return names
        after = conn["pageInfo"]["endCursor"]


async def setup(http: httpx.AsyncClient, db: Database) -> tuple[str, str, dict[str, str]]:
    admin = (await access.create_token(db, "root", "root", ["admin"], None, actor=SYSTEM)).secret
    viewer = (await access.create_token(db, "v", "carol", ["viewer"], None, actor=SYSTEM)).secret
    ids = {}
    for name in MODELS:
        created = await ok(
            http,
            admin,
            """mutation($input: RegisterModelInput!) {
              registerModel(input: $input) { model { id } } }""",
            input={
                "modelName": name,
                "versionName": "v1",
                "model": {"description": f"about {name}", "tags": ["fleet"]},
            },
        )
        ids[name] = created["registerModel"]["model"]["id"]
    for name in HIDDEN:
        await access.set_grant(db, ids[name], SubjectType.GROUP, EVERYONE, None, actor=SYSTEM)
    return admin, viewer, ids


async def test_lists_counts_and_cursors_skip_unreadable_models(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await setup(http, db)
    visible = [m for m in MODELS if m not in HIDDEN]
    assert await pages(http, admin, 2) == MODELS
    for first in (1, 2, 3):
        assert await pages(http, viewer, first) == visible
    tagged = {"tag": "fleet"}
    assert await pages(http, viewer, 2, filter=tagged) == visible
    not_zero = {"not": {"field": "NAME", "op": "EQ", "value": "fleet-0"}}
    assert await pages(http, viewer, 2, filter=not_zero) == visible[1:]

    versions = await ok(http, viewer, "{ modelVersions(first: 100) { totalCount nodes { id } } }")
    assert versions["modelVersions"]["totalCount"] == len(visible)
    hits = await ok(http, viewer, '{ search(query: "fleet", first: 100) { kind name } }')
    assert sorted(h["name"] for h in hits["search"] if h["kind"] == "RegisteredModel") == visible
    everything = await ok(http, admin, '{ search(query: "fleet", first: 100) { name } }')
    assert {h["name"] for h in everything["search"]} >= set(MODELS)

    # A user grant and the everyone grant reveal a hidden model again.
    grant = """mutation($r: ID!, $t: GrantSubjectType!, $s: String!) {
      setPermission(resourceId: $r, subjectType: $t, subject: $s, permission: READ)
      { permission } }"""
    await ok(http, admin, grant, r=ids["fleet-4"], t="USER", s="carol")
    assert await pages(http, viewer, 2) == sorted([*visible, "fleet-4"])
    await ok(http, admin, grant, r=ids["fleet-1"], t="GROUP", s=EVERYONE)
    assert await pages(http, viewer, 2) == sorted([*visible, "fleet-1", "fleet-4"])


async def test_the_everyone_read_default_shows_everything_and_none_hides_new_models(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, _ = await setup(http, db)
    # Models created under the everyone-READ default are listed for every viewer (above too).
    assert len(await pages(http, viewer, 3)) == len(MODELS) - len(HIDDEN)
    closed = await ok(http, admin, "mutation { setDefaultPermission(permission: null) }")
    assert closed["setDefaultPermission"] == "NONE"
    await ok(
        http,
        admin,
        'mutation { registerModel(input: {modelName: "fleet-private", versionName: "v1"})'
        " { model { id } } }",
    )
    names = await pages(http, viewer, 3)
    assert "fleet-private" not in names and len(names) == len(MODELS) - len(HIDDEN)
    refused = await call(http, viewer, '{ registeredModel(name: "fleet-private") { id } }')
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


REST = "/api/model_registry/v1alpha3"


async def rest_names(http: httpx.AsyncClient, token: str, path: str, size: int) -> list[str]:
    """Every item's name through nextPageToken, oldest first."""
    names: list[str] = []
    params = {"pageSize": str(size), "orderBy": "CREATE_TIME", "sortOrder": "ASC"}
    while True:
        response = await http.get(REST + path, params=params, headers=bearer(token))
        assert response.status_code == 200, response.text
        page = response.json()
        names.extend(item["name"] for item in page["items"])
        if not page.get("nextPageToken"):
            return names
        params["nextPageToken"] = page["nextPageToken"]


async def test_kubeflow_lists_hide_and_direct_reads_refuse_unreadable_models(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, ids = await setup(http, db)
    visible = [m for m in MODELS if m not in HIDDEN]
    assert await rest_names(http, admin, "/registered_models", 2) == MODELS
    for size in (1, 2, 4):
        assert await rest_names(http, viewer, "/registered_models", size) == visible
    assert len(await rest_names(http, viewer, "/model_versions", 2)) == len(visible)
    assert len(await rest_names(http, admin, "/model_versions", 2)) == len(MODELS)

    listed = (await http.get(REST + "/registered_models", headers=bearer(admin))).json()
    kf_ids = {item["name"]: item["id"] for item in listed["items"]}
    hidden = kf_ids["fleet-4"]
    reads = [
        f"/registered_models/{hidden}",
        f"/registered_models/{hidden}/versions",
        "/registered_model?name=fleet-4",
    ]
    for path in reads:
        refused = await http.get(REST + path, headers=bearer(viewer))
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["code"] == "FORBIDDEN" and "fleet-4" not in refused.text
        assert (await http.get(REST + path, headers=bearer(admin))).status_code == 200
    shown = await http.get(REST + f"/registered_models/{kf_ids['fleet-0']}", headers=bearer(viewer))
    assert shown.status_code == 200 and shown.json()["name"] == "fleet-0"

    # GraphQL direct reads answer the same way.
    direct = await call(http, viewer, '{ registeredModel(name: "fleet-4") { id } }')
    assert direct["errors"][0]["extensions"] == {"code": "FORBIDDEN", "missing": "permission:READ"}
    by_id = await call(http, viewer, "query($id: ID!) { node(id: $id) { id } }", id=ids["fleet-4"])
    assert by_id["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    version = await call(
        http, viewer, '{ modelVersion(modelName: "fleet-4", versionName: "v1") { id } }'
    )
    assert version["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await access.set_grant(
        db, ids["fleet-4"], SubjectType.USER, "carol", Permission.READ, actor=SYSTEM
    )
    assert (await http.get(REST + reads[0], headers=bearer(viewer))).status_code == 200
    assert (await ok(http, viewer, '{ registeredModel(name: "fleet-4") { name } }'))[
        "registeredModel"
    ]["name"] == "fleet-4"


async def test_a_closed_models_training_run_does_not_spell_out_its_name(
    http: httpx.AsyncClient, db: Database
) -> None:
    admin, viewer, _ = await setup(http, db)
    made = await ok(
        http,
        admin,
        """mutation { registerModel(input: {modelName: "fleet-1", versionName: "v2",
            training: {metrics: [{key: "loss", value: 0.2}]}}) {
            version { id } execution { id name } } }""",
    )
    run = made["registerModel"]["execution"]
    assert run["name"] == f"train {made['registerModel']['version']['id']}"
    # The run is outside any experiment, so the closed model it trained governs it: left out
    # of the viewer's list (the admin's holds it), and no name anywhere spells out fleet-1.
    listed = await ok(http, viewer, "{ executions(first: 50) { nodes { id name } } }")
    assert run not in listed["executions"]["nodes"]
    everything = await ok(http, admin, "{ executions(first: 50) { nodes { id name } } }")
    assert run in everything["executions"]["nodes"]
    assert not any("fleet-1" in n["name"] for n in listed["executions"]["nodes"])
    hits = await ok(http, viewer, '{ search(query: "fleet-1", first: 50) { name label } }')
    assert not any("fleet-1" in h["name"] + h["label"] for h in hits["search"])
