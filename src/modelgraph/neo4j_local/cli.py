"""`modelgraph neo4j start|stop|status`: a local Neo4j Community server without Docker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from modelgraph.neo4j_local import launcher
from modelgraph.neo4j_local.config import (
    DEFAULT_PORT,
    DEFAULT_START_TIMEOUT,
    DEFAULT_STOP_TIMEOUT,
    ENV_HOME,
    ENV_PASSWORD,
    ENV_PORT,
    LocalNeo4j,
    default_cache_dir,
    default_home,
    default_version,
)
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.neo4j_local.password import local_password, stored_password

EXIT_NOT_RUNNING = 3

neo4j_app = typer.Typer(
    help="Run a local Neo4j 5.26 Community server from Maven Central jars (no Docker).",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar=ENV_HOME,
        help="ModelGraph home; the server lives in <home>/neo4j. Default: the user data dir.",
        show_default=False,
    ),
]
PortOption = Annotated[
    int,
    typer.Option("--port", envvar=ENV_PORT, min=1, max=65535, help="Bolt port on 127.0.0.1."),
]


def _password(home: Path | None, *, create: bool = True) -> str | None:
    # From the environment or the home's password file: a --password flag would show in `ps`.
    configured = os.environ.get(ENV_PASSWORD) or None
    where = (home if home is not None else default_home()).expanduser().absolute()
    return local_password(where, configured) if create else configured or stored_password(where)


def _fail(error: LocalNeo4jError) -> NoReturn:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(1)


def _describe(state: launcher.ServerStatus) -> str:
    auth = "on (user neo4j)" if state.auth_enabled else "off"
    return (
        f"  pid:      {state.pid}\n"
        f"  bolt:     {state.uri} ({'answering' if state.bolt_ok else 'NOT answering'})\n"
        f"  auth:     {auth}\n"
        f"  data dir: {state.data_dir}\n"
        f"  logs:     {state.server.logs_dir}"
    )


@neo4j_app.command()
def start(
    home: HomeOption = None,
    port: PortOption = DEFAULT_PORT,
    timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for Bolt to answer.")
    ] = DEFAULT_START_TIMEOUT,
) -> None:
    """Start the server in the background and wait until Bolt answers (no-op if running).

    Auth is on for user neo4j: MODELGRAPH_NEO4J_PASSWORD, else the password generated on
    first start and kept in <home>/neo4j-password (mode 0600).
    """
    try:
        state = launcher.start(home, port, password=_password(home), timeout=timeout)
    except LocalNeo4jError as error:
        _fail(error)
    if state.already_running:
        moved = f" (not on {port}: stop it to change the port)" if state.port != port else ""
        typer.echo(f"Neo4j {state.version} is already running{moved}.\n{_describe(state)}")
        return
    took = f" in {state.startup_seconds:.1f} s" if state.startup_seconds is not None else ""
    typer.echo(f"Neo4j {state.version} started{took}.\n{_describe(state)}")


@neo4j_app.command()
def stop(
    home: HomeOption = None,
    timeout: Annotated[
        float, typer.Option(min=0, help="Seconds to wait after SIGTERM before SIGKILL.")
    ] = DEFAULT_STOP_TIMEOUT,
) -> None:
    """Stop the server (SIGTERM, then SIGKILL after the timeout); no-op if not running."""
    try:
        stopped = launcher.stop(home, timeout=timeout)
    except LocalNeo4jError as error:
        _fail(error)
    typer.echo("Neo4j stopped." if stopped else "Neo4j is not running.")


@neo4j_app.command()
def status(home: HomeOption = None, port: PortOption = DEFAULT_PORT) -> None:
    """Show version, pid, port, data dir and whether Bolt answers; exit code 3 if not running."""
    try:
        state = launcher.status(home, password=_password(home, create=False))
    except LocalNeo4jError as error:
        _fail(error)
    if state is not None:
        typer.echo(f"Neo4j {state.version} is running.\n{_describe(state)}")
        return
    server = LocalNeo4j(
        home=home if home is not None else default_home(),
        port=port,
        version=default_version(),
        cache_dir=default_cache_dir(),
    )
    typer.echo(
        f"Neo4j {server.version} is not running.\n"
        f"  bolt:     {server.uri} (when started)\n"
        f"  data dir: {server.data_dir}"
    )
    raise typer.Exit(EXIT_NOT_RUNNING)


@neo4j_app.command("dump")
def dump_command(
    path: Annotated[Path, typer.Argument(help="Dump file to write.")],
    home: HomeOption = None,
) -> None:
    """neo4j-admin database dump of the stopped local server's database to PATH."""
    from modelgraph.neo4j_local import dump

    try:
        size = dump.dump(path, home)
    except LocalNeo4jError as error:
        _fail(error)
    typer.echo(f"Dumped database {dump.DATABASE} to {path} ({size} bytes).")


@neo4j_app.command("load")
def load_command(
    path: Annotated[Path, typer.Argument(help="A file written by `modelgraph neo4j dump`.")],
    home: HomeOption = None,
) -> None:
    """neo4j-admin database load of PATH into the stopped local server (replaces its data)."""
    from modelgraph.neo4j_local import dump

    try:
        dump.load(path, home)
    except LocalNeo4jError as error:
        _fail(error)
    typer.echo(f"Loaded {path} into database {dump.DATABASE}; start the server to use it.")
