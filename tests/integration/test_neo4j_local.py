"""The Docker-free launcher against a real Neo4j 5.26 server (each start takes ~5-20 s).

Jars come from the shared cache (MODELGRAPH_NEO4J_CACHE or the user cache dir), so only the
first run on a machine fetches them with mvn; every test has its own home and port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from modelgraph.neo4j_local import launcher
from modelgraph.neo4j_local.config import NEO4J_VERSION
from modelgraph.neo4j_local.errors import LocalNeo4jError

pytestmark = pytest.mark.slow

PASSWORD = "launcher-test-pw"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A ModelGraph home whose server is always stopped afterwards."""
    yield tmp_path / "home"
    launcher.stop(tmp_path / "home", timeout=30)


def _write_node(uri: str, key: str, auth: tuple[str, str] | None = None) -> None:
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        driver.execute_query("CREATE (:LauncherProbe {key: $key})", key=key)


def _count_nodes(uri: str, key: str, auth: tuple[str, str] | None = None) -> int:
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:LauncherProbe {key: $key}) RETURN count(n) AS n", key=key
        )
    return int(records[0]["n"])


def test_start_status_stop_and_data_survives_restart(home: Path) -> None:
    port = _free_port()
    started = launcher.start(home=home, port=port)
    assert not started.already_running
    assert started.uri == f"bolt://127.0.0.1:{port}"
    assert started.version == NEO4J_VERSION == "5.26.30"

    current = launcher.status(home)
    assert current is not None
    assert (current.pid, current.port, current.bolt_ok) == (started.pid, port, True)
    assert current.data_dir == home / "neo4j" / "data"

    again = launcher.start(home=home, port=port)
    assert again.already_running
    assert again.pid == started.pid

    _write_node(started.uri, "restart")
    assert launcher.stop(home) is True
    assert launcher.status(home) is None
    assert not launcher.bolt_answers(started.uri)
    assert launcher.stop(home) is False

    restarted = launcher.start(home=home, port=port)
    assert restarted.pid != started.pid
    assert _count_nodes(restarted.uri, "restart") == 1


def test_committed_write_survives_sigkill(home: Path) -> None:
    port = _free_port()
    first = launcher.start(home=home, port=port)
    _write_node(first.uri, "crash")

    launcher.kill_hard(home)
    assert launcher.status(home) is None
    assert (home / "neo4j" / "run" / "modelgraph-neo4j.pid").exists()  # left behind, as by a crash

    second = launcher.start(home=home, port=port)
    assert not second.already_running
    assert _count_nodes(second.uri, "crash") == 1


def test_password_enables_auth_from_the_first_start(home: Path) -> None:
    port = _free_port()
    started = launcher.start(home=home, port=port, password=PASSWORD)
    assert started.auth_enabled
    _write_node(started.uri, "auth", auth=("neo4j", PASSWORD))
    with (
        pytest.raises(AuthError),
        neo4j.GraphDatabase.driver(started.uri, auth=("neo4j", "not-the-password")) as driver,
    ):
        driver.verify_connectivity()
    status = launcher.status(home, password=PASSWORD)
    assert status is not None and status.bolt_ok and status.auth_enabled

    launcher.stop(home)
    restarted = launcher.start(home=home, port=port, password=PASSWORD)
    assert _count_nodes(restarted.uri, "auth", auth=("neo4j", PASSWORD)) == 1


def test_password_is_adopted_by_a_store_first_run_without_auth(home: Path) -> None:
    port = _free_port()
    launcher.start(home=home, port=port)
    launcher.stop(home)

    started = launcher.start(home=home, port=port, password=PASSWORD)
    assert started.auth_enabled
    assert _count_nodes(started.uri, "none", auth=("neo4j", PASSWORD)) == 0
    launcher.stop(home)

    with pytest.raises(LocalNeo4jError, match="set up with another password"):
        launcher.start(home=home, port=port, password="another-password")
    assert launcher.status(home) is None


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from modelgraph.neo4j_local.cli import neo4j_app; neo4j_app()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=180
    )


def test_cli_server_outlives_the_cli_process(home: Path) -> None:
    port = str(_free_port())
    started = _cli("start", "--home", str(home), "--port", port)
    assert started.returncode == 0, started.stderr
    assert "Neo4j 5.26.30 started" in started.stdout

    running = _cli("status", "--home", str(home))
    assert running.returncode == 0
    assert f"bolt://127.0.0.1:{port} (answering)" in running.stdout
    assert _cli("start", "--home", str(home), "--port", port).stdout.startswith(
        "Neo4j 5.26.30 is already running."
    )

    assert _cli("stop", "--home", str(home)).stdout == "Neo4j stopped.\n"
    assert _cli("status", "--home", str(home)).returncode == 3
