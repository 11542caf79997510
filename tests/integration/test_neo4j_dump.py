"""`modelgraph neo4j dump|load`: neo4j-admin from the launcher's jars on a stopped local server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from modelgraph.cli import app
from modelgraph.domain.graph import Label
from modelgraph.neo4j_local import launcher
from modelgraph.store.cypher import query
from modelgraph.store.db import Database
from tests.conftest import free_port
from tests.factories import create_entities

COUNT = query("admin/count_nodes")


async def _create_datasets(uri: str, count: int) -> None:
    driver = neo4j.AsyncGraphDatabase.driver(uri, auth=None)
    try:
        rows = [{"name": f"d{i}"} for i in range(count)]
        await create_entities(Database(driver, "neo4j"), Label.DATASET, rows)
    finally:
        await driver.close()


def _count(uri: str) -> int:
    with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(COUNT)
    return int(records[0]["nodes"])


def test_dump_of_a_stopped_server_loads_into_another_home(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    runner = CliRunner()
    info = launcher.start(home=source, port=free_port())
    try:
        asyncio.run(_create_datasets(info.uri, 3))
        refused = runner.invoke(
            app, ["neo4j", "dump", str(tmp_path / "x.dump"), "--home", str(source)]
        )
        assert refused.exit_code == 1 and "stop it first" in refused.output
    finally:
        launcher.stop(home=source)
    dump_file = tmp_path / "graph.dump"
    done = runner.invoke(app, ["neo4j", "dump", str(dump_file), "--home", str(source)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["neo4j", "load", str(dump_file), "--home", str(target)])
    assert done.exit_code == 0, done.output
    info = launcher.start(home=target, port=free_port())
    try:
        assert _count(info.uri) == 3
    finally:
        launcher.stop(home=target)


def test_load_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app, ["neo4j", "load", str(tmp_path / "none.dump"), "--home", str(tmp_path)]
    )
    assert done.exit_code == 1 and "no such dump file" in done.output


@pytest.fixture(autouse=True)
def _no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELGRAPH_NEO4J_PASSWORD", raising=False)
