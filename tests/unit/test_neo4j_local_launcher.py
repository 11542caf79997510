"""Launcher behaviour that needs no Neo4j: errors, pid files, ports and log excerpts.

Server start-up failures are driven by a stand-in `java` script (a real process), so the
error paths run in milliseconds; the real server is exercised in tests/integration.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelgraph.neo4j_local import launcher
from modelgraph.neo4j_local.config import NEO4J_VERSION, LocalNeo4j
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.jars import MARKER, resolve_jars


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A port something really listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def fake_cache(tmp_path: Path) -> Path:
    """A jar cache that counts as resolved, so no mvn runs."""
    jar_dir = tmp_path / "cache" / f"neo4j-{NEO4J_VERSION}"
    (jar_dir / "lib").mkdir(parents=True)
    (jar_dir / MARKER).write_text(NEO4J_VERSION)
    return tmp_path / "cache"


def _fake_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_body: str) -> None:
    """JAVA_HOME with a `java` that reports 17 and otherwise runs `server_body`."""
    bin_dir = tmp_path / "jdk" / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.2"\' >&2; exit 0; fi\n'
        f"{server_body}\n"
    )
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))


def test_port_in_use_is_detected_with_a_real_socket(listening_port: int) -> None:
    with pytest.raises(LocalNeo4jError, match=f"port {listening_port} .* already in use"):
        launcher.ensure_port_free(listening_port)


def test_free_port_passes() -> None:
    launcher.ensure_port_free(_free_port())


def test_start_refuses_a_port_in_use(
    tmp_path: Path, fake_cache: Path, listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_java(tmp_path, monkeypatch, "exit 99")
    with pytest.raises(LocalNeo4jError, match="already in use"):
        launcher.start(home=tmp_path / "home", port=listening_port, cache_dir=fake_cache)
    assert launcher.status(tmp_path / "home") is None


def test_nothing_running_in_an_empty_home(tmp_path: Path) -> None:
    assert launcher.status(tmp_path) is None
    assert launcher.stop(tmp_path) is False
    with pytest.raises(LocalNeo4jError, match="no local Neo4j is running"):
        launcher.kill_hard(tmp_path)


def test_stale_pid_file_is_not_a_server(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path)
    server.run_dir.mkdir(parents=True)
    # Our own pid is alive but is no Neo4j of this home.
    server.pid_file.write_text(f"{os.getpid()}\n")
    assert launcher.status(tmp_path) is None
    assert launcher.stop(tmp_path) is False
    assert not server.pid_file.exists()


def test_missing_maven_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalNeo4jError, match=r"Maven \(mvn\) not found"):
        resolve_jars("5.26.30", tmp_path / "neo4j-5.26.30")


def test_resolved_jars_need_no_maven(
    fake_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    jar_dir = fake_cache / f"neo4j-{NEO4J_VERSION}"
    assert resolve_jars(NEO4J_VERSION, jar_dir) == jar_dir / "lib"


def test_server_that_exits_reports_its_log(
    tmp_path: Path, fake_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_java(tmp_path, monkeypatch, 'echo "Unrecognized setting: server.nonsense"; exit 1')
    home = tmp_path / "home"
    with pytest.raises(LocalNeo4jError) as caught:
        launcher.start(home=home, port=_free_port(), cache_dir=fake_cache, timeout=30)
    message = str(caught.value)
    assert message.startswith("Neo4j exited during start-up; last lines of ")
    assert "Unrecognized setting: server.nonsense" in message
    assert not LocalNeo4j(home=home).pid_file.exists()


def test_server_that_never_answers_is_stopped_and_reported(
    tmp_path: Path, fake_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_seen = tmp_path / "pid"
    lines = "; ".join(f'echo "warming up {i}"' for i in range(30))
    _fake_java(tmp_path, monkeypatch, f'echo $$ > "{pid_seen}"; {lines}; exec sleep 600')
    home = tmp_path / "home"
    port = _free_port()
    with pytest.raises(LocalNeo4jError) as caught:
        launcher.start(home=home, port=port, cache_dir=fake_cache, timeout=1)
    message = str(caught.value)
    assert f"did not answer on bolt://127.0.0.1:{port} within 1 s" in message
    assert "warming up 29" in message
    assert "warming up 9\n" not in message  # only the last 20 lines
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_seen.read_text()), 0)
    assert launcher.status(home) is None


def test_conf_is_written_before_launch(
    tmp_path: Path, fake_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_java(tmp_path, monkeypatch, "exit 3")
    home = tmp_path / "home"
    port = _free_port()
    with pytest.raises(LocalNeo4jError):
        launcher.start(home=home, port=port, cache_dir=fake_cache)
    conf = LocalNeo4j(home=home).conf_file.read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{port}" in conf
    assert "dbms.security.auth_enabled=false" in conf


def test_short_password_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(LocalNeo4jError, match="at least 8"):
        launcher.start(home=tmp_path, port=_free_port(), password="short")
    assert not (tmp_path / "neo4j").exists()


def test_argfile_quoting() -> None:
    assert launcher._argfile_quote('a "b" \\c') == '"a \\"b\\" \\\\c"'


def test_log_excerpt_prefers_console_log_and_falls_back(tmp_path: Path) -> None:
    server = LocalNeo4j(home=tmp_path)
    assert launcher.log_excerpt(server).startswith("no log output")
    server.logs_dir.mkdir(parents=True)
    server.neo4j_log.write_text("INFO  Starting...\nERROR it broke\n")
    assert launcher.log_excerpt(server).endswith("  ERROR it broke")
    server.console_log.write_text("Exception in thread main\n")
    assert "console.log" in launcher.log_excerpt(server)
