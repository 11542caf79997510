"""Every Cypher query plans and runs on the real server, and every file is used.

Queries are the loader's expansions (includes inlined, one text per search bound), so what is
checked is exactly what the service sends. Every query is EXPLAINed, then EXECUTED on the demo
graph inside a transaction that is rolled back, with example parameters chosen by name below.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, LiteralString

import pytest

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store import admin, lineage
from modelgraph.store.cypher import (
    SEARCH_BOUNDS,
    all_files,
    all_queries,
    includes,
    is_bounded,
    is_fragment,
    split_statements,
)
from modelgraph.store.db import Database

QUERIES = all_queries()
SCHEMA_FILES = sorted(k for k in all_files() if k.startswith("schema/"))
REPO = Path(__file__).resolve().parents[2]

# Run by other tests, never here: they cannot share a rolled-back transaction with the demo.
EXECUTED_ELSEWHERE = {
    "admin/clear_graph": "CALL IN TRANSACTIONS needs an auto-commit transaction: "
    "test_clear_graph_removes_registry_nodes_only below",
    "launcher/adopt_password": "a system-database command: tests/integration/test_neo4j_local.py"
    "::test_password_is_adopted_by_a_store_first_run_without_auth",
    "backup/await_key_index": "waits for the index a restore creates: tests/api/test_backup.py",
}


# Where a parameter name means something else in one query.
OVERRIDES: dict[str, dict[str, Any]] = {
    # `fields` is a property map here, a list of column names in openlineage/derive_fields.
    "idempotency/claim": {
        "fields": {
            "claimId": "test-cypher-files-claim",
            "fingerprint": "0" * 64,
            "expiresAt": int(time.time() * 1000) + 60_000,
        }
    },
    "bench/terminate_transactions": {"ids": ["neo4j-transaction-999999999"]},
    # A new model with the id its event names, so the event and grant fragments run (rolled back).
    "registry/create_entity": {
        "rows": [
            {
                "props": {
                    "id": "test-cypher-files-created",
                    "name": "created",
                    "kind": "RegisteredModel",
                },
                "parentRel": None,
            }
        ]
    },
    # One new model, so the batched event and grant fragments run too (rolled back).
    "bulk/nodes": {
        "kind": "RegisteredModel",
        "rows": [{"id": "test-cypher-files-bulk", "name": "bulk"}],
        "events": [
            {
                "type": "entity.created",
                "entityId": "test-cypher-files-bulk",
                "entityKind": "RegisteredModel",
                "scopeIds": ["test-cypher-files-bulk"],
                "payload": "{}",
            }
        ],
    },
}


def _parameters(text: str) -> set[str]:
    code = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))
    return set(re.findall(r"\$([A-Za-z_]\w*)", code))


@pytest.fixture(scope="module")
async def demo_ids(database: Database, settings: Settings) -> dict[str, str]:
    """The demo graph (loaded through the registry writers) and ids of one node per role."""
    await admin.clear_graph(database)
    await demo.load(database, settings)
    refs = {
        "deployment": "churn-prod",
        "version": "customer-churn-prediction:v2",
        "model": "customer-churn-prediction",
        "dataset": "customer-transactions",
        "datasetVersion": "customer-transactions:v2",
        "environment": "prod-openshift",
    }
    ids = {role: (await lineage.resolve(database, ref)).id for role, ref in refs.items()}
    trace = await lineage.trace(database, "churn-prod")
    ids["execution"] = next(i.id for i in trace.items if i.kind == "Execution")
    return ids


def _examples(ids: dict[str, str]) -> dict[str, Any]:
    """An example value for every parameter name the queries use (one type per name)."""
    now = int(time.time() * 1000)
    return {
        # lineage walks and refs
        "id": ids["deployment"],
        "ref": "churn-prod",
        "versionParent": "customer-churn-prediction",
        "version": "v2",
        "environment": "prod-openshift",
        "deployment": "churn-prod",
        "aliasModel": "customer-churn-prediction",
        "alias": "champion",
        "asOf": now,
        "maxDepth": 5,
        "limit": 10,
        "batch": 1000,
        "nodeTypes": [],
        "stopKinds": [],
        "stopIds": [],
        "liveOnly": False,
        "full": True,
        "paths": True,
        "createdMax": now,
        "edgeLo": -(2**63),
        "edgeHi": 2**63 - 1,
        # listing: a filter tree, scope and keyset
        "kind": "RegisteredModel",
        "kinds": ["RegisteredModel", "ModelVersion"],
        "dnf": [[{"prop": "name", "op": "STARTS_WITH", "value": "customer", "neg": False}]],
        "states": ["LIVE"],
        "parentId": None,
        "sortKey": "createdAt",
        "desc": False,
        "afterId": None,
        "afterValue": None,
        # registry writes (rolled back)
        "entityId": ids["version"],
        "versionId": ids["version"],
        "versionIds": [ids["version"]],
        "modelId": ids["model"],
        "modelIds": [ids["model"]],
        "deploymentId": ids["deployment"],
        "deploymentIds": [ids["deployment"]],
        "executionId": ids["execution"],
        "ownerId": ids["version"],
        "ownerIds": [ids["version"]],
        "parentIds": [ids["model"]],
        "ids": [ids["deployment"], ids["version"]],
        "runId": None,
        "recordId": "no-such-record",
        "name": "churn-prod",
        "externalId": "no-such-external-id",
        "parentName": "customer-churn-prediction",
        "parentKind": "RegisteredModel",
        "rel": "HAS_VERSION",
        "parentRel": None,
        "props": {"description": "executed by test_cypher_files"},
        "ownerProps": {},
        "execution": {"id": "test-cypher-files-run", "name": "run", "type": "TRAINING"},
        "inputs": [],
        "outputs": [],
        "links": [{"executionId": ids["execution"], "inputs": [], "outputs": []}],
        "newVersions": [],
        "points": [],
        "rows": [],
        "steps": None,
        "serving": True,
        "role": "train",
        "stage": "STAGING",
        "fromStage": "PRODUCTION",
        "toStage": "STAGING",
        "comment": "executed by test_cypher_files",
        "by": "tester",
        "at": now,
        "now": now,
        "kfId": 1,
        "versionKfId": 1,
        "checksum": "0" * 64,
        # bench: nothing has run for an hour, so nothing is terminated
        "seconds": 3600,
        "edge": {},
        # access: tokens, grants, the audit log
        "principal": "tester",
        "hash": "0" * 64,
        "roles": ["viewer"],
        "expiresAt": None,
        "everyone": "*",
        "resourceId": ids["model"],
        "resourceIds": [ids["model"]],
        "subject": "tester",
        "subjectType": "USER",
        "permission": "READ",
        "since": None,
        "until": None,
        "type": "model_version.created",
        "types": ["model_version.created"],
        # read permissions: the access/_readable fragment runs (readAll false)
        "readAll": False,
        "hiddenScopes": [ids["model"]],
        "user": "tester",
        "groups": ["*", "ml-viewers"],
        # events and webhooks
        "entityIds": [ids["version"]],
        "entityKind": "ModelVersion",
        "scopeId": None,
        "scopeIds": [ids["model"]],
        "payload": "{}",
        "targetWebhookId": None,
        # created events (registry/create_entity, bulk/nodes)
        "events": [
            {
                "type": "model_version.created",
                "entityId": "test-cypher-files-created",
                "entityKind": "ModelVersion",
                "scopeIds": ["test-cypher-files-created"],
                "payload": "{}",
            }
        ],
        "after": 0,
        "url": "https://hooks.example.com/modelgraph",
        "secret": "whsec_test",
        "description": "executed by test_cypher_files",
        "eventTypes": [],
        "active": False,
        "webhookId": "no-such-webhook",
        "owner": "test-cypher-files",
        "leaseMs": 1000,
        "status": "DELIVERED",
        "statusCode": 200,
        "error": None,
        "excerpt": "",
        "latencyMs": 1.0,
        "nextAttemptAt": None,
        # search and the chaos campaign's checks
        "query": "churn*",
        "registerPrefix": "chaos-",
        "runPrefix": "chaos-",
        "deploymentPrefix": "chaos-",
        "edges": [],
        # the MLflow importer
        "externalIds": ["mlflow:0123456789ab:run:no-such-run"],
        "externalIdPrefix": "mlflow:",
        # openlineage ingest and column lineage
        "runIds": ["00000000-0000-0000-0000-000000000000"],
        "refs": [{"namespace": "s3://raw", "name": "customer-transactions"}],
        "named": [{"key": "0", "datasetId": ids["dataset"], "version": "v2"}],
        "reads": [{"key": "0", "datasetId": ids["dataset"], "runId": "no-such-run"}],
        "latest": [ids["dataset"]],
        "fields": [],
        "pairs": [{"parentId": ids["execution"], "childId": ids["execution"]}],
        "dataset": "churn-features",
        "field": "tenure",
        "first": 10,
        # idempotency keys
        "scope": "0" * 64,
        "claimId": "test-cypher-files-claim",
        "responseStatus": 200,
        "responseType": "application/json",
        "responseBody": "{}",
    }


def test_every_parameter_has_an_example() -> None:
    """A new parameter name needs an example here, so that its query is executed below."""
    known = set(
        _examples({k: "" for k in ("deployment", "version", "model", "execution", "dataset")})
    )
    missing = {
        name: sorted(_parameters(text) - known)
        for name, text in QUERIES.items()
        if name not in EXECUTED_ELSEWHERE and _parameters(text) - known
    }
    assert not missing, f"add example values to _examples for: {missing}"


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_query_compiles(database: Database, name: str) -> None:
    """EXPLAIN plans the query without running it: syntax, functions and types are checked."""
    async with database.driver.session(database=database.database) as session:
        result = await session.run("EXPLAIN " + QUERIES[name])
        summary = await result.consume()
    assert summary.plan is not None


@pytest.mark.parametrize("name", sorted(set(QUERIES) - set(EXECUTED_ELSEWHERE)))
async def test_query_executes_on_the_demo_graph(
    database: Database, demo_ids: dict[str, str], name: str
) -> None:
    """The query runs to completion on real data; whatever it writes is rolled back."""
    text: LiteralString = QUERIES[name]
    examples = _examples(demo_ids) | OVERRIDES.get(name, {})
    params = {p: examples[p] for p in _parameters(text)}
    async with database.driver.session(database=database.database) as session:
        tx = await session.begin_transaction()
        try:
            result = await tx.run(text, params)
            await result.fetch(1_000)
            summary = await result.consume()
        finally:
            await tx.rollback()
    assert summary.query_type in ("r", "rw", "w", "s")


async def test_walks_from_the_demo_deployment_return_its_lineage(
    database: Database, demo_ids: dict[str, str]
) -> None:
    """Every bound variant of a walk answers the same on a graph shallower than every bound."""
    answers = []
    for bound in SEARCH_BOUNDS:
        async with database.driver.session(database=database.database) as session:
            params = {p: _examples(demo_ids)[p] for p in _parameters(QUERIES["lineage/both_d5"])}
            result = await session.run(QUERIES[f"lineage/both_d{bound}"], params)
            row = await result.single()
        assert row is not None
        answers.append(sorted(i["node"]["id"] for i in row["items"]))
    assert answers[0] and all(a == answers[0] for a in answers)


async def test_clear_graph_removes_registry_nodes_only(db: Database, settings: Settings) -> None:
    await demo.load(db, settings)
    assert await admin.count_nodes(db) > 0
    await admin.clear_graph(db)
    assert await admin.count_nodes(db) == 0


def _schema_names(name: str, verb: str) -> list[str]:
    """Constraints/indexes a schema file creates (``verb`` CREATE) or drops (DROP)."""
    pattern = verb + r"\s+(CONSTRAINT|(?:FULLTEXT\s+)?INDEX)\s+(\w+)"
    return [
        match.group(2)
        for statement in split_statements(all_files()[name])
        if (match := re.match(pattern, statement))
    ]


@pytest.mark.parametrize("name", SCHEMA_FILES)
async def test_schema_statements_are_applied(database: Database, name: str) -> None:
    """Each constraint/index a schema file declares exists on the server after migrate, unless a
    later file drops it; each one a file drops is gone."""
    dropped = {n for f in SCHEMA_FILES for n in _schema_names(f, "DROP")}
    declared = [n for n in _schema_names(name, "CREATE") if n not in dropped]
    gone = _schema_names(name, "DROP")
    async with database.driver.session(database=database.database) as session:
        constraints = {r["name"] async for r in await session.run("SHOW CONSTRAINTS YIELD name")}
        indexes = {r["name"] async for r in await session.run("SHOW INDEXES YIELD name")}
    missing = [n for n in declared if n not in constraints | indexes]
    kept = [n for n in gone if n in constraints | indexes]
    assert (declared or gone) and not missing and not kept


def test_every_query_file_is_referenced_by_code() -> None:
    """A query file nothing loads is dead code; a fragment nothing includes likewise."""
    sources = "\n".join(
        p.read_text()
        for p in [
            *REPO.glob("src/**/*.py"),
            *REPO.glob("tests/**/*.py"),
            *REPO.glob("bench/**/*.py"),
        ]
    )
    files = [k for k in all_files() if k.startswith("queries/")]
    included = {f"queries/{name}" for key in files for name in includes(key)}
    unused = [
        key
        for key in files
        if (key not in included if is_fragment(key) else f'"{key[8:]}"' not in sources)
    ]
    assert not unused, f"query files never loaded by name or included: {unused}"


def test_bounded_files_are_one_source_per_walk() -> None:
    bounded = sorted(k[8:] for k in all_files() if k.startswith("queries/") and not is_fragment(k))
    assert [n for n in bounded if is_bounded(n)] == [
        "lineage/both",
        "lineage/downstream",
        "lineage/impact_counts",
        "lineage/upstream",
    ]
