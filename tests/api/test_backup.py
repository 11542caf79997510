"""Backup and restore: a restored graph answers every lineage and registry question as before."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.generator import SIZES
from bench.loader import Handles, load
from bench.workloads import IMPACT_FULL, IMPACT_LIVE, LINEAGE_BOTH, MODEL_LIST, TRACE, UI_READ
from typer.testing import CliRunner

from modelgraph.cli import app
from modelgraph.domain.errors import FailedPrecondition, Invalid
from modelgraph.settings import Settings
from modelgraph.store import admin, backup
from modelgraph.store.db import Database

KF = "/api/model_registry/v1alpha3"
GOVERNANCE = """query($name: String!) { registeredModel(name: $name) {
  id name aliases { alias versionId } aliasHistory { alias versionId since until by }
  versions { id name stage stageHistory { fromStage toStage by at comment }
             approvals { id stage by at comment }
             metrics { key value } metricHistory { key value step timestamp }
             deploymentHistory { since until by deployment { id name status } } } } }"""
SEARCH = """{ modelVersions(first: 50, orderBy: {field: NAME, direction: ASC}) {
  totalCount nodes { id name stage } }
  datasetVersions(first: 50, filter: {field: ROWS, op: GT, value: 0},
                  orderBy: {field: NAME, direction: ASC}) { totalCount nodes { id name rows } } }"""


async def _ask(http: httpx.AsyncClient, text: str, variables: dict[str, Any]) -> Any:
    response = await http.post(
        "/graphql", json={"query": text, "variables": variables}, headers={"x-modelgraph-user": "t"}
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def _canonical(answer: Any) -> Any:
    """The answer with lineage ``edges`` sorted: their order follows storage order, which the
    API does not define (nodes are ordered by distance and compared as returned)."""
    if isinstance(answer, dict):
        return {
            k: sorted(v, key=json.dumps) if k == "edges" else _canonical(v)
            for k, v in answer.items()
        }
    if isinstance(answer, list):
        return [_canonical(v) for v in answer]
    return answer


async def _answers(http: httpx.AsyncClient, handles: Handles) -> dict[str, Any]:
    """Trace, impact, lineage, list and nested reads from every handle, plus governance and
    Kubeflow REST views (kfIds included)."""
    answers: dict[str, Any] = {}
    for workload, refs in (
        (TRACE, [*handles.deployments, "churn-prod", "fraud-staging"]),
        (IMPACT_LIVE, [*handles.raw_datasets, "customer-transactions"]),
        (IMPACT_FULL, handles.raw_datasets),
        (LINEAGE_BOTH, handles.feature_versions),
    ):
        for ref in refs:
            answers[f"{workload.name}:{ref}"] = await _ask(http, workload.text, {"ref": ref})
    for i in range(3):
        answers[f"list:{i}"] = await _ask(http, MODEL_LIST.text, MODEL_LIST.variables(handles, i))
    for model in handles.models:
        answers[f"ui:{model}"] = await _ask(http, UI_READ.text, {"id": model})
    for name in ("customer-churn-prediction", "fraud-detector"):
        answers[f"governance:{name}"] = await _ask(http, GOVERNANCE, {"name": name})
    answers["search"] = await _ask(http, SEARCH, {})
    for resource in ("registered_models", "model_versions", "model_artifacts"):
        response = await http.get(f"{KF}/{resource}", params={"pageSize": 100})
        assert response.status_code == 200, response.text
        answers[f"rest:{resource}"] = response.json()
    return answers


@pytest.fixture
async def rich_graph(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> tuple[Handles, int]:
    """The bench's tiny synthetic graph, the demo graph (transitions, approvals, aliases,
    deployment history) and Kubeflow REST records (kfIds, the id sequence)."""
    from modelgraph import demo

    report = await load(db, SIZES["tiny"], seed=11, progress=False, samples=2)
    await demo.load(db, settings)
    created = await client.post(
        f"{KF}/registered_models", json={"name": "kf-model", "customProperties": {}}
    )
    assert created.status_code in (200, 201), created.text
    version = await client.post(
        f"{KF}/model_versions",
        json={"name": "kf-v1", "registeredModelId": created.json()["id"]},
    )
    assert version.status_code in (200, 201), version.text
    return report.handles, report.nodes


async def test_restore_answers_every_question_as_before(
    client: httpx.AsyncClient, db: Database, rich_graph: tuple[Handles, int], tmp_path: Path
) -> None:
    handles, bench_nodes = rich_graph
    before = await _answers(client, handles)
    counts = await backup.graph_counts(db)
    path = tmp_path / "graph.mgbackup.gz"

    report = await backup.backup(db, path)
    assert report.attempts == 1 and report.counts.same_graph(counts)
    assert report.counts.nodes > bench_nodes
    header = backup.read_header(path)
    assert header.counts.same_graph(counts) and header.migrations
    # The histories are in the file, not only the entities.
    assert {"DEPLOYED_AS", "HAS_TRANSITION", "HAS_APPROVAL", "HAS_ALIAS", "HAS_METRIC"} <= set(
        header.counts.types
    )
    assert {"StageTransition", "Approval", "AliasAssignment", "_KubeflowSequence"} <= set(
        header.counts.labels
    )

    await admin.clear_graph(db)
    assert await admin.count_nodes(db) == 0
    restored = await backup.restore(db, path)
    assert restored.counts.same_graph(counts)

    after = await _answers(client, handles)
    assert after.keys() == before.keys()
    for key in before:
        assert _canonical(after[key]) == _canonical(before[key]), key
    # The Kubeflow id sequence survived too: the next REST id follows the restored ones.
    newer = await client.post(f"{KF}/registered_models", json={"name": "kf-after-restore"})
    ids = [int(m["id"]) for m in before["rest:registered_models"]["items"]]
    assert int(newer.json()["id"]) > max(ids)


async def test_restore_refuses_a_non_empty_graph_unless_replacing(
    db: Database, rich_graph: tuple[Handles, int], tmp_path: Path
) -> None:
    path = tmp_path / "graph.gz"
    report = await backup.backup(db, path)
    with pytest.raises(FailedPrecondition, match="not empty"):
        await backup.restore(db, path)
    assert (await backup.graph_counts(db)).same_graph(report.counts)
    replaced = await backup.restore(db, path, replace=True)
    assert replaced.replaced and replaced.counts.same_graph(report.counts)


def _rewrite(source: Path, target: Path, keep: int | None = None, edit: Any = None) -> None:
    with gzip.open(source, "rt") as src:
        lines = src.readlines()
    lines = lines[:keep] if keep is not None else lines
    if edit is not None:
        lines = [edit(line) for line in lines]
    with gzip.open(target, "wt") as out:
        out.writelines(lines)


async def test_broken_files_leave_the_graph_empty(
    db: Database, rich_graph: tuple[Handles, int], tmp_path: Path
) -> None:
    good = tmp_path / "good.gz"
    await backup.backup(db, good)
    await admin.clear_graph(db)

    truncated = tmp_path / "truncated.gz"
    _rewrite(good, truncated, keep=-1)  # the end record is gone
    with pytest.raises(Invalid, match="truncated"):
        await backup.restore(db, truncated)
    assert await admin.count_nodes(db) == 0

    injected = tmp_path / "injected.gz"
    evil = "Entity) DETACH DELETE n //"

    def relabel(line: str) -> str:
        record = json.loads(line)
        if "node" in record:
            record["labels"] = [evil]
        return json.dumps(record) + "\n"

    _rewrite(good, injected, edit=relabel)
    with pytest.raises(Invalid, match="invalid label"):
        await backup.restore(db, injected)
    assert await admin.count_nodes(db) == 0

    not_a_backup = tmp_path / "plain.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(Invalid, match="gzip"):
        backup.read_header(not_a_backup)


def test_cli_backup_and_restore(settings: Settings, tmp_path: Path, db: Database) -> None:
    env = {"MODELGRAPH_NEO4J_URI": settings.neo4j_uri}
    if settings.neo4j_password.get_secret_value():
        env["MODELGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    path = tmp_path / "cli.gz"
    runner = CliRunner()
    done = runner.invoke(app, ["backup", str(path)], env=env)
    assert done.exit_code == 0, done.output
    assert "0 nodes" in done.output and path.exists()
    done = runner.invoke(app, ["restore", str(path)], env=env)
    assert done.exit_code == 0, done.output
    missing = runner.invoke(app, ["restore", str(tmp_path / "missing.gz")], env=env)
    assert missing.exit_code == 1 and "no such file" in missing.output
