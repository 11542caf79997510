"""`modelgraph neo4j start|stop|status`: exit codes and one-line errors, without a server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgraph.neo4j_local.cli import EXIT_NOT_RUNNING, neo4j_app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELGRAPH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MODELGRAPH_NEO4J_CACHE", str(tmp_path / "cache"))
    for name in ("MODELGRAPH_NEO4J_LOCAL_PORT", "MODELGRAPH_NEO4J_PASSWORD", "JAVA_HOME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_status_when_not_running_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(neo4j_app, ["status", "--port", "7777"])
    assert result.exit_code == EXIT_NOT_RUNNING == 3
    assert "not running" in result.stdout
    assert "bolt://127.0.0.1:7777" in result.stdout
    assert str(tmp_path / "home" / "neo4j" / "data") in result.stdout


def test_stop_when_not_running_is_fine() -> None:
    result = runner.invoke(neo4j_app, ["stop"])
    assert result.exit_code == 0
    assert "not running" in result.stdout


def test_start_on_a_busy_port_fails_with_one_line(listening_port: int) -> None:
    result = runner.invoke(neo4j_app, ["start", "--port", str(listening_port)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: port {listening_port} on 127.0.0.1 is already in use")
    assert "Traceback" not in result.output


def test_port_comes_from_the_environment(
    listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELGRAPH_NEO4J_LOCAL_PORT", str(listening_port))
    result = runner.invoke(neo4j_app, ["start"])
    assert result.exit_code == 1
    assert f"port {listening_port}" in result.stderr


def test_short_password_fails_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELGRAPH_NEO4J_PASSWORD", "short")
    result = runner.invoke(neo4j_app, ["start"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: MODELGRAPH_NEO4J_PASSWORD must have at least 8 characters (Neo4j 5 rule)\n"
    )


def test_broken_java_home_fails_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    result = runner.invoke(neo4j_app, ["start", "--port", "7777"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: JAVA_HOME=")
    assert result.stderr.count("\n") == 1
