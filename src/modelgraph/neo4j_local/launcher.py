"""Start, stop and inspect a local Neo4j Community server run straight from its jars."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, LiteralString

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from modelgraph.neo4j_local.config import (
    ADMIN_TOOL,
    DEFAULT_START_TIMEOUT,
    DEFAULT_STOP_TIMEOUT,
    ENTRY_POINT,
    ENV_PASSWORD,
    ENV_PORT,
    HOST,
    JVM_FLAGS,
    NEO4J_USER,
    LocalNeo4j,
    check_password,
    default_home,
    render_conf,
)
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.jars import resolve_jars
from modelgraph.neo4j_local.java import check_java
from modelgraph.store.cypher import query

_PING = query("health/ping")
_ADOPT_PASSWORD = query("launcher/adopt_password")

_POLL_SECONDS = 0.25
_PROBE_TIMEOUT = 3.0
_KILL_WAIT = 10.0
_LOG_LINES = 20
_HAS_PROC = Path("/proc/self/stat").exists()
# Servers started by this process: kept so they can be reaped (no zombies) and not GC'd early.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}

_Auth = tuple[str, str] | None


@dataclass(frozen=True)
class ServerStatus:
    """A running local server."""

    server: LocalNeo4j
    pid: int
    bolt_ok: bool
    auth_enabled: bool
    already_running: bool = False
    startup_seconds: float | None = None

    @property
    def uri(self) -> str:
        return self.server.uri

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def version(self) -> str:
        return self.server.version

    @property
    def data_dir(self) -> Path:
        return self.server.data_dir


def start(
    home: Path | None = None,
    port: int | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_START_TIMEOUT,
    *,
    version: str | None = None,
    cache_dir: Path | None = None,
) -> ServerStatus:
    """Start the server of `home` (or report the running one) and wait until Bolt answers.

    Unset arguments come from the environment (see config.py). With `password` the server runs
    with auth for user neo4j; without, auth is disabled. `timeout` counts from the JVM launch.
    """
    began = time.monotonic()
    server = LocalNeo4j.create(home, port, version, cache_dir)
    if password is not None:
        check_password(password)
    current = status(server.home, password=password)
    if current is not None:
        return replace(current, already_running=True)
    _clear_state(server)
    java = check_java()
    ensure_port_free(server.port)
    resolve_jars(server.version, server.jar_dir)
    for directory in (server.conf_dir, server.data_dir, server.logs_dir, server.run_dir):
        directory.mkdir(parents=True, exist_ok=True)
    auth_enabled = password is not None
    server.conf_file.write_text(render_conf(server, auth_enabled=auth_enabled), encoding="utf-8")
    if password is not None and not server.has_database:
        _set_initial_password(java, server, password)
    pid = _spawn(java, server)
    _write_state(server, pid, auth_enabled=auth_enabled)
    try:
        _wait_until_ready(server, pid, password, timeout)
    except BaseException:
        _terminate(pid, _KILL_WAIT)
        _clear_state(server)
        raise
    return ServerStatus(
        server=server,
        pid=pid,
        bolt_ok=True,
        auth_enabled=auth_enabled,
        startup_seconds=time.monotonic() - began,
    )


def status(home: Path | None = None, password: str | None = None) -> ServerStatus | None:
    """The running server of `home`, or None; `password` is only used to probe Bolt."""
    server = _at(home)
    pid = _running_pid(server)
    if pid is None:
        return None
    state = _read_state(server)
    server = replace(
        server,
        port=int(state.get("port", server.port)),
        version=str(state.get("version", server.version)),
    )
    auth = (NEO4J_USER, password) if password else None
    return ServerStatus(
        server=server,
        pid=pid,
        bolt_ok=bolt_answers(server.uri, auth),
        auth_enabled=bool(state.get("auth_enabled", password is not None)),
    )


def stop(home: Path | None = None, timeout: float = DEFAULT_STOP_TIMEOUT) -> bool:
    """SIGTERM the server of `home`, SIGKILL it after `timeout` s; False if none was running."""
    server = _at(home)
    pid = _running_pid(server)
    if pid is not None:
        _terminate(pid, timeout)
    _clear_state(server)
    return pid is not None


def kill_hard(home: Path | None = None) -> None:
    """SIGKILL the server of `home` like a crash would (the pid file stays behind)."""
    server = _at(home)
    pid = _running_pid(server)
    if pid is None:
        raise LocalNeo4jError(f"no local Neo4j is running in {server.server_dir}")
    _signal(pid, signal.SIGKILL)
    if not _wait_exit(pid, _KILL_WAIT):
        raise LocalNeo4jError(f"Neo4j (pid {pid}) did not die after SIGKILL")


def ensure_port_free(port: int, host: str = HOST) -> None:
    """Raise LocalNeo4jError if something already listens on `host:port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Lets TIME_WAIT leftovers of a just-stopped server pass, as Neo4j itself binds that way.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            raise LocalNeo4jError(
                f"port {port} on {host} is already in use "
                f"(choose another with --port or {ENV_PORT})"
            ) from None


def bolt_answers(uri: str, auth: _Auth = None) -> bool:
    """Whether a Bolt server answers at `uri` (a rejected login counts as an answer)."""
    try:
        with _driver(uri, auth) as driver:
            driver.verify_connectivity()
    except AuthError:
        return True
    except (DriverError, Neo4jError, OSError):
        return False
    return True


def log_excerpt(server: LocalNeo4j, lines: int = _LOG_LINES) -> str:
    """The last lines of the console log (JVM errors), else of neo4j.log, for error messages."""
    for path in (server.console_log, server.neo4j_log):
        tail = _tail(path, lines)
        if tail:
            return f"last lines of {path}:\n" + "\n".join(f"  {line}" for line in tail)
    return f"no log output in {server.logs_dir}"


def _at(home: Path | None) -> LocalNeo4j:
    return LocalNeo4j(home=(home if home is not None else default_home()).expanduser().absolute())


def _driver(uri: str, auth: _Auth) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(
        uri, auth=auth, connection_timeout=_PROBE_TIMEOUT, max_connection_pool_size=1
    )


def _spawn(java: str, server: LocalNeo4j) -> int:
    cmd = [
        java,
        *JVM_FLAGS,
        "-cp",
        str(server.lib_dir / "*"),
        ENTRY_POINT,
        f"--home-dir={server.server_dir}",
        f"--config-dir={server.conf_dir}",
    ]
    with server.console_log.open("wb") as out:
        # Own session: the server outlives the CLI and is not hit by the terminal's Ctrl-C.
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=server.server_dir,
            start_new_session=True,
        )
    _CHILDREN[proc.pid] = proc
    return proc.pid


def _wait_until_ready(server: LocalNeo4j, pid: int, password: str | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    auth = (NEO4J_USER, password) if password else None
    while True:
        if not _alive(pid):
            raise LocalNeo4jError(f"Neo4j exited during start-up; {log_excerpt(server)}")
        try:
            _run_query(server.uri, auth, _PING)
            return
        except AuthError:
            if password is None:
                raise LocalNeo4jError(
                    f"Neo4j on {server.uri} asks for a password though neo4j.conf disables auth"
                ) from None
            _adopt_password(server, password)
            return
        except (DriverError, Neo4jError, OSError):
            pass  # not up yet
        if time.monotonic() >= deadline:
            raise LocalNeo4jError(
                f"Neo4j did not answer on {server.uri} within {timeout:.0f} s; "
                f"{log_excerpt(server)}"
            )
        time.sleep(_POLL_SECONDS)


def _run_query(
    uri: str, auth: _Auth, text: LiteralString, database: str | None = None, **params: Any
) -> None:
    # A session query, not execute_query: that one retries for up to 30 s on its own.
    with _driver(uri, auth) as driver, driver.session(database=database) as session:
        session.run(text, params).consume()


def _adopt_password(server: LocalNeo4j, password: str) -> None:
    # A data dir first started without auth has user neo4j with the default password "neo4j".
    try:
        _run_query(
            server.uri,
            (NEO4J_USER, "neo4j"),
            _ADOPT_PASSWORD,
            database="system",
            old="neo4j",
            new=password,
        )
    except AuthError:
        raise LocalNeo4jError(
            f"Neo4j rejected {ENV_PASSWORD} for user {NEO4J_USER}: "
            f"{server.data_dir} was set up with another password"
        ) from None
    _run_query(server.uri, (NEO4J_USER, password), _PING)


def _set_initial_password(java: str, server: LocalNeo4j, password: str) -> None:
    # An argument file (mode 0600) keeps the password out of `ps` output.
    args_file = server.run_dir / "set-initial-password.args"
    fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        words = [ADMIN_TOOL, "dbms", "set-initial-password", password]
        handle.write(" ".join(_argfile_quote(word) for word in words) + "\n")
    env = {**os.environ, "NEO4J_HOME": str(server.server_dir), "NEO4J_CONF": str(server.conf_dir)}
    try:
        proc = subprocess.run(
            [java, "-cp", str(server.lib_dir / "*"), f"@{args_file}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        args_file.unlink(missing_ok=True)
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip().splitlines()
        detail = output[0] if output else f"exit code {proc.returncode}"
        raise LocalNeo4jError(f"neo4j-admin dbms set-initial-password failed: {detail}")


def _argfile_quote(word: str) -> str:
    """Quote one word for a java launcher @argument file."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _write_state(server: LocalNeo4j, pid: int, *, auth_enabled: bool) -> None:
    state = {
        "pid": pid,
        "port": server.port,
        "version": server.version,
        "auth_enabled": auth_enabled,
        "started_at": time.time(),
    }
    server.state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    # The pid file comes last: it is what marks the server as running.
    server.pid_file.write_text(f"{pid}\n", encoding="utf-8")


def _read_state(server: LocalNeo4j) -> dict[str, Any]:
    try:
        state = json.loads(server.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _clear_state(server: LocalNeo4j) -> None:
    server.pid_file.unlink(missing_ok=True)
    server.state_file.unlink(missing_ok=True)


def _running_pid(server: LocalNeo4j) -> int | None:
    try:
        pid = int(server.pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return pid if _is_server_process(pid, server) else None


def _is_server_process(pid: int, server: LocalNeo4j) -> bool:
    if not _alive(pid):
        return False
    if pid in _CHILDREN or not _HAS_PROC:
        return True
    # Guards against a stale pid file whose pid now belongs to another process.
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return ENTRY_POINT.encode() in args and f"--home-dir={server.server_dir}".encode() in args


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    if _HAS_PROC:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        except OSError:
            return False
        return stat.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie has exited
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _terminate(pid: int, timeout: float) -> None:
    _signal(pid, signal.SIGTERM)
    if not _wait_exit(pid, timeout):
        _signal(pid, signal.SIGKILL)
        _wait_exit(pid, _KILL_WAIT)


def _tail(path: Path, lines: int) -> list[str]:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()][-lines:]
