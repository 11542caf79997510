"""Offline ``neo4j-admin database dump|load`` of the local server's database, from the same jars
the launcher runs (``org.neo4j.cli.AdminTool``). Neo4j Community can only dump and load a
stopped database, so both refuse while the server of that home runs."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from modelgraph.neo4j_local import launcher
from modelgraph.neo4j_local.config import ADMIN_TOOL, LocalNeo4j, render_conf
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.jars import resolve_jars
from modelgraph.neo4j_local.java import check_java

DATABASE = "neo4j"
ADMIN_TIMEOUT_S = 1_800


def _stopped_server(home: Path | None) -> LocalNeo4j:
    server = LocalNeo4j.create(home)
    if launcher.status(server.home) is not None:
        raise LocalNeo4jError(
            f"Neo4j is running in {server.server_dir}; stop it first "
            "(`modelgraph neo4j stop`): Community dumps and loads only a stopped database"
        )
    return server


def _admin(server: LocalNeo4j, *args: str) -> None:
    java = check_java()
    resolve_jars(server.version, server.jar_dir)
    server.conf_dir.mkdir(parents=True, exist_ok=True)
    if not server.conf_file.exists():
        server.conf_file.write_text(render_conf(server, auth_enabled=False), encoding="utf-8")
    env = {**os.environ, "NEO4J_HOME": str(server.server_dir), "NEO4J_CONF": str(server.conf_dir)}
    proc = subprocess.run(
        [java, "-cp", str(server.lib_dir / "*"), ADMIN_TOOL, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=ADMIN_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        detail = "; ".join(lines[-3:]) if lines else f"exit code {proc.returncode}"
        raise LocalNeo4jError(f"neo4j-admin {' '.join(args[:2])} failed: {detail}")


def dump(path: Path, home: Path | None = None) -> int:
    """Write the stopped local database to the file ``path``; returns its size in bytes."""
    server = _stopped_server(home)
    if not server.has_database:
        raise LocalNeo4jError(f"no database in {server.data_dir}: start the server once first")
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        _admin(server, "database", "dump", DATABASE, f"--to-path={tmp}")
        os.replace(Path(tmp) / f"{DATABASE}.dump", path)
    return path.stat().st_size


def load(path: Path, home: Path | None = None) -> None:
    """Replace the stopped local database with the dump file ``path``."""
    server = _stopped_server(home)
    path = path.absolute()
    if not path.is_file():
        raise LocalNeo4jError(f"{path}: no such dump file")
    with tempfile.TemporaryDirectory() as tmp:
        # neo4j-admin reads <database>.dump from a directory.
        os.symlink(path, Path(tmp) / f"{DATABASE}.dump")
        server.data_dir.mkdir(parents=True, exist_ok=True)
        _admin(
            server,
            "database",
            "load",
            DATABASE,
            f"--from-path={tmp}",
            "--overwrite-destination=true",
        )


def import_csv(nodes: list[Path], relationships: list[Path], home: Path | None = None) -> None:
    """Build the stopped local database offline from CSV files (``neo4j-admin database import
    full``, headers in each file), replacing what it held; the bulk path for initial migrations."""
    server = _stopped_server(home)
    server.data_dir.mkdir(parents=True, exist_ok=True)
    server.logs_dir.mkdir(parents=True, exist_ok=True)
    _admin(
        server,
        "database",
        "import",
        "full",
        DATABASE,
        *(f"--nodes={p.absolute()}" for p in nodes),
        *(f"--relationships={p.absolute()}" for p in relationships),
        "--overwrite-destination=true",
        f"--report-file={server.logs_dir / 'import.report'}",  # not into the working directory
    )
