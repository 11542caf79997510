"""Registry lists through GraphQL at 1,000+ items, and nested reads batched per level."""

from __future__ import annotations

from typing import Any

import pytest

from modelgraph.domain.graph import Label
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.factories import create_entities

N = 1_050


async def run(
    db: Database, settings: Settings, query: str, *, user: str = "author", **variables: Any
) -> Any:
    """Run ``query`` in-process as local ``user`` (an approver must not be the author)."""
    context = Context(db=db, settings=settings, user=user)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    assert not result.errors, result.errors
    return result.data


async def _seed_models(db: Database) -> None:
    rows = []
    for i in range(N):
        rows.append(
            {
                "name": f"model-{i:04d}",
                "framework": "xgboost" if i % 2 == 0 else "pytorch",
                "modelType": "classification" if i % 4 < 2 else "regression",
                "owner": "team-risk" if i % 3 == 0 else "team-growth",
                "tags": ["regulated"] if i % 5 == 0 else [],
                "state": "ARCHIVED" if i % 7 == 0 else "LIVE",
                "updatedAt": 10_000_000 - i,
            }
        )
    await create_entities(db, Label.REGISTERED_MODEL, rows)


LIST = """query($first: Int!, $after: String, $order: OrderBy, $filter: RegisteredModelFilter) {
  registeredModels(first: $first, after: $after, orderBy: $order, filter: $filter) {
    totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }"""


async def _walk(db: Database, settings: Settings, **variables: Any) -> tuple[list[str], int]:
    names: list[str] = []
    after = None
    total = -1
    while True:
        data = (await run(db, settings, LIST, first=100, after=after, **variables))[
            "registeredModels"
        ]
        total = data["totalCount"]
        names += [e["node"]["name"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return names, total
        after = data["pageInfo"]["endCursor"]
        assert after == data["edges"][-1]["cursor"]


async def test_pages_sorts_and_filters_at_scale(db: Database, settings: Settings) -> None:
    await _seed_models(db)
    every = [f"model-{i:04d}" for i in range(N)]
    names, total = await _walk(db, settings, order={"field": "NAME", "direction": "ASC"})
    assert names == every and total == N
    names, _ = await _walk(db, settings, order={"field": "NAME", "direction": "DESC"})
    assert names == every[::-1]
    names, _ = await _walk(db, settings, order={"field": "UPDATED", "direction": "ASC"})
    assert names == every[::-1]
    names, _ = await _walk(db, settings, order={"field": "CREATED", "direction": "DESC"})
    assert names == every[::-1]
    # LIVE xgboost classification models owned by team-risk or tagged regulated.
    question = {
        "and": [
            {"field": "STATE", "op": "EQ", "value": "LIVE"},
            {"field": "FRAMEWORK", "op": "EQ", "value": "xgboost"},
            {"field": "MODEL_TYPE", "op": "EQ", "value": "classification"},
            {"or": [{"field": "OWNER", "op": "EQ", "value": "team-risk"}, {"tag": "regulated"}]},
        ]
    }
    expected = [
        f"model-{i:04d}"
        for i in range(N)
        if i % 7 and i % 2 == 0 and i % 4 < 2 and (i % 3 == 0 or i % 5 == 0)
    ]
    names, total = await _walk(
        db, settings, order={"field": "NAME", "direction": "ASC"}, filter=question
    )
    assert names == expected and total == len(expected) > 100
    negated = {
        "not": {
            "or": [{"field": "FRAMEWORK", "op": "EQ", "value": "xgboost"}, {"tag": "regulated"}]
        }
    }
    names, _ = await _walk(
        db, settings, order={"field": "NAME", "direction": "ASC"}, filter=negated
    )
    assert names == [f"model-{i:04d}" for i in range(N) if i % 2 and i % 5]
    ops = [
        ({"field": "NAME", "op": "IN", "value": ["model-0001", "model-0002", "x"]}, 2),
        ({"field": "NAME", "op": "STARTS_WITH", "value": "model-00"}, 100),
        ({"field": "NAME", "op": "ENDS_WITH", "value": "99"}, 10),
        ({"field": "NAME", "op": "CONTAINS", "value": "-10"}, 50),
        ({"field": "NAME", "op": "IEQ", "value": "MODEL-0007"}, 1),
        ({"field": "OWNER", "op": "ILIKE", "value": "TEAM-%K"}, 350),
        ({"field": "NAME", "op": "LIKE", "value": "model-000_"}, 10),
        ({"field": "NAME", "op": "NE", "value": "model-0000"}, N - 1),
        ({"field": "NAME", "op": "LT", "value": "model-0010"}, 10),
        ({"field": "NAME", "op": "LTE", "value": "model-0010"}, 11),
        ({"field": "NAME", "op": "GTE", "value": "model-1040"}, 10),
        ({"field": "UPDATED_AT", "op": "GT", "value": 10_000_000 - 5}, 5),
        ({"field": "TAGS", "op": "CONTAINS", "value": "regulated"}, 210),
        ({"field": "DESCRIPTION", "op": "EXISTS"}, 0),
    ]
    count_query = """query($f: RegisteredModelFilter) {
      registeredModels(first: 1, filter: $f) { totalCount } }"""
    for flt, want in ops:
        data = await run(db, settings, count_query, f=flt)
        assert data["registeredModels"]["totalCount"] == want, flt


async def test_version_and_dataset_questions(db: Database, settings: Settings) -> None:
    [model] = await create_entities(db, Label.REGISTERED_MODEL, [{"name": "m"}])
    versions = [
        {
            "name": f"v{i}",
            "parentId": model,
            "stage": "PRODUCTION" if i % 2 == 0 else "STAGING",
            "m.accuracy": 0.85 + (i % 10) / 100,
            "m.log_loss": 0.2 + (i % 3) / 10,
            "cp.team": "a" if i % 2 else "b",
            "md.notes": f"n{i}",
            "hp.max_depth": i % 8,
        }
        for i in range(N)
    ]
    await create_entities(db, Label.MODEL_VERSION, versions)
    question = """query($f: ModelVersionFilter) { modelVersions(first: 5, filter: $f) {
      totalCount nodes { name stage metrics { key value } } } }"""
    flt = {
        "and": [
            {"metric": {"key": "accuracy", "op": "GT", "value": 0.9}},
            {"metric": {"key": "log_loss", "op": "LT", "value": 0.3}},
            {"field": "STAGE", "op": "EQ", "value": "PRODUCTION"},
        ]
    }
    data = (await run(db, settings, question, f=flt))["modelVersions"]
    want = [
        v
        for v in versions
        if v["m.accuracy"] > 0.9 and v["m.log_loss"] < 0.3 and v["stage"] == "PRODUCTION"
    ]
    assert data["totalCount"] == len(want) > 0
    assert all(n["stage"] == "PRODUCTION" for n in data["nodes"])
    for flt, want_count in (
        ({"customProperty": {"key": "team", "op": "EQ", "value": "a"}}, N // 2),
        ({"metadata": {"key": "notes", "op": "EQ", "value": "n3"}}, 1),
        ({"hyperparameter": {"key": "max_depth", "op": "GTE", "value": 7}}, len(range(7, N, 8))),
    ):
        data = (await run(db, settings, question, f=flt))["modelVersions"]
        assert data["totalCount"] == want_count, flt
    [dataset] = await create_entities(db, Label.DATASET, [{"name": "d"}])
    await create_entities(
        db,
        Label.DATASET_VERSION,
        [{"name": f"v{i}", "parentId": dataset, "rows": i * 10_000} for i in range(200)],
    )
    big = """{ datasetVersions(filter: {field: ROWS, op: GT, value: 1e6}) { totalCount } }"""
    assert (await run(db, settings, big))["datasetVersions"]["totalCount"] == 99


NESTED = """query($first: Int!) { registeredModels(first: $first) { nodes {
  name aliases { alias } versions { name stage stageHistory { toStage } approvals { by }
    aliases metrics { key } metricHistory { value } currentDeployments { name }
    deploymentHistory { since deployment { name } }
    artifacts { ... on ModelArtifact { uri } ... on DocArtifact { uri } }
    model { name } } } } }"""


async def _graph(db: Database, settings: Settings, models: int) -> None:
    await run(db, settings, 'mutation { createServingEnvironment(input: {name: "prod"}) { id } }')
    for m in range(models):
        await _graph_model(db, settings, m)


async def _graph_model(db: Database, settings: Settings, m: int) -> None:
    """Model m{m} with three versions, each staged, approved, aliased and deployed."""
    for v in range(3):
        data = await run(
            db,
            settings,
            """mutation($m: String!, $v: String!) { registerModel(input: {modelName: $m,
              versionName: $v, artifact: {uri: "s3://a"},
              version: {metrics: [{key: "acc", value: 0.9}]}}) {
                model { id } version { id } } }""",
            m=f"m{m}",
            v=f"v{v}",
        )
        vid = data["registerModel"]["version"]["id"]
        await run(
            db,
            settings,
            """mutation($id: ID!, $m: ID!, $d: String!) {
              transitionStage(versionId: $id, to: STAGING) { id }
              approveVersion(versionId: $id, stage: PRODUCTION) { id }
              setAlias(modelId: $m, alias: "latest", versionId: $id) { alias }
              deploy(versionId: $id, servingEnvironment: "prod", deploymentName: $d) {
                id } }""",
            user="reviewer",
            id=vid,
            m=data["registerModel"]["model"]["id"],
            d=f"dep-{m}-{v}",
        )


NESTED_QUERIES = [
    "listing/page",
    "registry/children_by_parent",
    "registry/aliases_by_model",
    "registry/transitions_by_version",
    "registry/approvals_by_version",
    "registry/aliases_by_version",
    "registry/metric_points_by_owner",
    "registry/deployments_by_version",
    "registry/children_by_parent",
    "registry/get_by_ids",
]


async def test_nested_reads_are_batched_per_level(db: Database, settings: Settings) -> None:
    await _graph(db, settings, 2)
    db.round_trips.count = 0
    small = await run(db, settings, NESTED, first=2)
    small_trips = db.round_trips.count
    await _graph_more(db, settings)
    db.round_trips.count = 0
    db.round_trips.names.clear()
    large = await run(db, settings, NESTED, first=6)
    assert len(large["registeredModels"]["nodes"]) == 6
    assert len(small["registeredModels"]["nodes"]) == 2
    version = large["registeredModels"]["nodes"][5]["versions"][2]
    assert version["stageHistory"] == [{"toStage": "STAGING"}]
    assert version["currentDeployments"] == [{"name": "dep-5-2"}]
    assert version["aliases"] == ["latest"]
    # One query for the page plus one per nested field, independent of item count: page,
    # versions, aliases (model), stageHistory, approvals, aliases (version), metricHistory,
    # deployments (both history and current), artifacts, model.
    assert sorted(db.round_trips.names) == sorted(NESTED_QUERIES)
    assert db.round_trips.count == small_trips == len(NESTED_QUERIES)


async def _graph_more(db: Database, settings: Settings) -> None:
    for m in range(2, 6):
        for v in range(3):
            await run(
                db,
                settings,
                """mutation($m: String!, $v: String!) { registerModel(input: {modelName: $m,
                  versionName: $v, artifact: {uri: "s3://a"}}) { version { id } } }""",
                m=f"m{m}",
                v=f"v{v}",
            )
    data = await run(
        db, settings, '{ modelVersion(modelName: "m5", versionName: "v2") { id modelId } }'
    )
    mv = data["modelVersion"]
    await run(
        db,
        settings,
        """mutation($id: ID!, $m: ID!) {
          transitionStage(versionId: $id, to: STAGING) { id }
          setAlias(modelId: $m, alias: "latest", versionId: $id) { alias }
          deploy(versionId: $id, servingEnvironment: "prod", deploymentName: "dep-5-2") { id } }""",
        id=mv["id"],
        m=mv["modelId"],
    )


KIND_LISTS = [
    (Label.REGISTERED_MODEL, "registeredModels", None, None),
    (Label.MODEL_VERSION, "modelVersions", "modelId", Label.REGISTERED_MODEL),
    (Label.MODEL_ARTIFACT, "modelArtifacts", "versionId", Label.MODEL_VERSION),
    (Label.DOC_ARTIFACT, "docArtifacts", "versionId", Label.MODEL_VERSION),
    (Label.DATASET, "datasets", None, None),
    (Label.DATASET_VERSION, "datasetVersions", "datasetId", Label.DATASET),
    (Label.EXECUTION, "executions", "experimentId", Label.EXPERIMENT),
    (Label.EXPERIMENT, "experiments", None, None),
    (Label.SERVING_ENVIRONMENT, "servingEnvironments", None, None),
    (Label.DEPLOYMENT, "deployments", "servingEnvironmentId", Label.SERVING_ENVIRONMENT),
]


@pytest.mark.parametrize(("kind", "field", "scope", "parent_kind"), KIND_LISTS)
async def test_every_list_pages_filters_and_sorts(
    db: Database,
    settings: Settings,
    kind: Label,
    field: str,
    scope: str | None,
    parent_kind: Label | None,
) -> None:
    parent = None
    if parent_kind is not None:
        [parent] = await create_entities(db, parent_kind, [{"name": "parent"}])
    rows = [{"name": f"n-{i:04d}", "tags": ["even"] if i % 2 == 0 else []} for i in range(N)]
    if parent is not None:
        for row in rows:
            row["parentId"] = parent
    await create_entities(db, kind, rows)
    filter_type = kind.value + "Filter"
    scope_arg = f", {scope}: $parent" if scope else ""
    scope_var = ", $parent: ID" if scope else ""
    # Query text differs per kind only by names from this test's fixed table.
    query = (
        f"query($after: String, $order: OrderBy, $f: {filter_type}{scope_var}) {{"
        f" {field}(first: 100, after: $after, orderBy: $order, filter: $f{scope_arg}) {{"
        " totalCount nodes { name } pageInfo { hasNextPage endCursor } } }"
    )

    async def walk(order: dict[str, str], flt: dict[str, Any] | None) -> tuple[list[str], int]:
        names: list[str] = []
        after = None
        while True:
            data = (await run(db, settings, query, after=after, order=order, f=flt, parent=parent))[
                field
            ]
            names += [n["name"] for n in data["nodes"]]
            if not data["pageInfo"]["hasNextPage"]:
                return names, data["totalCount"]
            after = data["pageInfo"]["endCursor"]

    every = [r["name"] for r in rows]
    assert await walk({"field": "NAME", "direction": "DESC"}, None) == (every[::-1], N)
    even, total = await walk(
        {"field": "CREATED", "direction": "ASC"},
        {"and": [{"tag": "even"}, {"field": "NAME", "op": "ILIKE", "value": "N-%"}]},
    )
    assert even == every[::2] and total == len(every[::2])


PARENTS = """{ datasets(first: 100) { nodes { versions(first: 10) { name dataset { name } } } }
  experiments(first: 100) { nodes { runs(first: 10) { name experiment { name }
    metricHistory(first: 10) { value } } } }
  servingEnvironments(first: 100) { nodes { deployments(first: 10) { name
    deploymentHistory(first: 10) { since } } } }
}"""


# Three pages, three children batches, then one query per nested field (parents by id: one
# loader per field, so the datasets' and experiments' lookups never merge by timing).
PARENTS_QUERIES = [
    *["listing/page"] * 3,
    *["registry/children_by_parent"] * 3,
    "registry/get_by_ids",
    "registry/get_by_ids",
    "registry/metric_points_by_owner",
    "registry/deployments_by_deployment",
]


async def _parents(db: Database, count: int, start: int = 0) -> None:
    for kind, child in (
        (Label.DATASET, Label.DATASET_VERSION),
        (Label.EXPERIMENT, Label.EXECUTION),
        (Label.SERVING_ENVIRONMENT, Label.DEPLOYMENT),
    ):
        names = [{"name": f"p{i}"} for i in range(start, start + count)]
        parents = await create_entities(db, kind, names)
        rows = [{"name": f"c{n}", "parentId": p} for p in parents for n in range(3)]
        await create_entities(db, child, rows)


async def test_other_parents_load_children_in_one_query_per_level(
    db: Database, settings: Settings
) -> None:
    await _parents(db, 2)
    db.round_trips.count = 0
    small = await run(db, settings, PARENTS)
    small_trips = db.round_trips.count
    await _parents(db, 8, start=2)
    for _ in range(5):  # the count must not depend on which root field's queries finish first
        db.round_trips.count = 0
        db.round_trips.names.clear()
        large = await run(db, settings, PARENTS)
        assert sorted(db.round_trips.names) == sorted(PARENTS_QUERIES)
        assert db.round_trips.count == small_trips == len(PARENTS_QUERIES)
    assert len(small["datasets"]["nodes"]) == 2 and len(large["datasets"]["nodes"]) == 10
    assert len(large["experiments"]["nodes"][9]["runs"]) == 3


# The same loaders reached through aliases, named and inline fragments, an interface root and
# lists inside lists: still a fixed number of queries, whatever the number of items.
SHAPES = """query($first: Int!) {
  registeredModels(first: $first) { nodes {
    a: versions(first: 5) { name ...Deploys }
    b: versions(first: 5) { ... on ModelVersion {
      artifacts(first: 5) { ... on ModelArtifact { uri } } } }
    versions(first: 5) { model { name versions(first: 5) { name } } }
  } }
  node_models: registeredModels(first: $first) { nodes { ... on Entity { id }
    ... on RegisteredModel { aliases(first: 5) { version { name } } } } }
}
fragment Deploys on ModelVersion {
  deploymentHistory(first: 5) { deployment { name servingEnvironment { name }
    deploymentHistory(first: 5) { version { name model { name } } } } }
  currentDeployments(first: 5) { name deploymentHistory(first: 5) { since } }
}"""


async def test_aliases_fragments_and_nested_lists_stay_batched(
    db: Database, settings: Settings
) -> None:
    await _graph(db, settings, 2)
    db.round_trips.count = 0
    await run(db, settings, SHAPES, first=2)
    small_trips = db.round_trips.count
    for m in range(2, 6):
        await _graph_model(db, settings, m)
    for _ in range(3):
        db.round_trips.count = 0
        db.round_trips.names.clear()
        large = await run(db, settings, SHAPES, first=6)
        assert db.round_trips.count == small_trips, db.round_trips.names
    nodes = large["registeredModels"]["nodes"]
    assert len(nodes) == 6
    history = nodes[5]["a"][2]["deploymentHistory"][0]["deployment"]["deploymentHistory"]
    assert history[0]["version"] == {"name": "v2", "model": {"name": "m5"}}
    assert large["node_models"]["nodes"][5]["aliases"][0]["version"]["name"] == "v2"


async def test_every_operator_on_typed_keys(db: Database, settings: Settings) -> None:
    rows = [
        {
            "name": f"run-{i}",
            "hp.depth": i,
            "hp.optimizer": opt,
            "m.loss": 0.1 * (i + 1),
            "cp.approved": i % 2 == 0,
            "md.notes": note,
            "env.os": os_name,
            "libraries": [f"xgboost=={i}.0"],
        }
        for i, (opt, note, os_name) in enumerate(
            [
                ("Adam", "Bias checked", "Linux"),
                ("adam", "bias ok", "linux"),
                ("sgd", "none", "macOS"),
                ("SGD-momentum", "Fairness", "Linux"),
            ]
        )
    ]
    await create_entities(db, Label.EXECUTION, rows)
    query = """query($f: ExecutionFilter) { executions(filter: $f, orderBy: {field: NAME}) {
      nodes { name } } }"""
    cases: list[tuple[dict[str, Any], list[int]]] = [
        ({"hyperparameter": {"key": "depth", "op": "EQ", "value": 2}}, [2]),
        ({"hyperparameter": {"key": "depth", "op": "NE", "value": 2}}, [0, 1, 3]),
        ({"hyperparameter": {"key": "depth", "op": "LT", "value": 2}}, [0, 1]),
        ({"hyperparameter": {"key": "depth", "op": "LTE", "value": 2}}, [0, 1, 2]),
        ({"hyperparameter": {"key": "depth", "op": "GT", "value": 2}}, [3]),
        ({"hyperparameter": {"key": "depth", "op": "GTE", "value": 2}}, [2, 3]),
        ({"hyperparameter": {"key": "depth", "op": "IN", "value": [0, 3, 9]}}, [0, 3]),
        ({"hyperparameter": {"key": "optimizer", "op": "IN", "value": ["sgd", "x"]}}, [2]),
        ({"hyperparameter": {"key": "optimizer", "op": "IEQ", "value": "ADAM"}}, [0, 1]),
        ({"hyperparameter": {"key": "optimizer", "op": "STARTS_WITH", "value": "SGD"}}, [3]),
        ({"hyperparameter": {"key": "optimizer", "op": "ENDS_WITH", "value": "am"}}, [0, 1]),
        ({"hyperparameter": {"key": "optimizer", "op": "CONTAINS", "value": "mom"}}, [3]),
        ({"hyperparameter": {"key": "optimizer", "op": "ILIKE", "value": "s%"}}, [2, 3]),
        ({"hyperparameter": {"key": "optimizer", "op": "LIKE", "value": "_dam"}}, [0, 1]),
        ({"hyperparameter": {"key": "missing", "op": "EXISTS"}}, []),
        ({"metric": {"key": "loss", "op": "LT", "value": 0.25}}, [0, 1]),
        ({"metric": {"key": "loss", "op": "GTE", "value": 0.3}}, [2, 3]),
        ({"customProperty": {"key": "approved", "op": "EQ", "value": True}}, [0, 2]),
        ({"customProperty": {"key": "approved", "op": "EXISTS"}}, [0, 1, 2, 3]),
        ({"metadata": {"key": "notes", "op": "ILIKE", "value": "%bias%"}}, [0, 1]),
        ({"metadata": {"key": "notes", "op": "CONTAINS", "value": "bias"}}, [1]),
        ({"environment": {"key": "os", "op": "IEQ", "value": "LINUX"}}, [0, 1, 3]),
        ({"environment": {"key": "os", "op": "EQ", "value": "Linux"}}, [0, 3]),
        ({"field": "LIBRARIES", "op": "CONTAINS", "value": "xgboost==1.0"}, [1]),
        ({"field": "LIBRARIES", "op": "NE", "value": "xgboost==1.0"}, [0, 2, 3]),
        (
            {
                "or": [
                    {"not": {"hyperparameter": {"key": "depth", "op": "LT", "value": 3}}},
                    {"metadata": {"key": "notes", "op": "EQ", "value": "none"}},
                ]
            },
            [2, 3],
        ),
    ]
    for flt, want in cases:
        data = await run(db, settings, query, f=flt)
        assert [n["name"] for n in data["executions"]["nodes"]] == [f"run-{i}" for i in want], flt
