"""The ``modelgraph`` command line: local Neo4j, migrations, the server, demo data, lineage."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console

from modelgraph.domain.errors import ModelGraphError
from modelgraph.neo4j_local.cli import neo4j_app
from modelgraph.settings import Settings
from modelgraph.store import migrations
from modelgraph.store.db import Database, make_driver

T = TypeVar("T")

app = typer.Typer(
    help="ModelGraph: a model registry whose core is a lineage graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_app, name="neo4j", help="Run a local Neo4j 5.26 Community server (no Docker).")
console = Console()
err = Console(stderr=True)


def with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open a driver, run ``work`` against the configured database, close the driver."""

    async def main() -> T:
        driver = make_driver(settings)
        try:
            return await work(Database(driver, settings.neo4j_database))
        finally:
            await driver.close()

    try:
        return asyncio.run(main())
    except ModelGraphError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None


def run_migrations(settings: Settings) -> list[str]:
    """Apply pending schema files and report them."""
    done = with_db(settings, migrations.migrate)
    if done:
        console.print(f"applied {len(done)} schema file(s): {', '.join(done)}")
    else:
        console.print("schema up to date")
    return done


@app.command()
def migrate() -> None:
    """Apply cypher/schema/NNNN_*.cypher in order (idempotent; refuses edited applied files)."""
    run_migrations(Settings())


@app.command()
def serve(
    migrate_first: Annotated[
        bool, typer.Option("--migrate", help="Apply pending schema files before serving.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="Bind address (MODELGRAPH_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MODELGRAPH_PORT).")] = None,
) -> None:
    """Serve GraphQL, GraphiQL and the REST API; refuses an unmigrated database."""
    settings = Settings()
    if migrate_first:
        run_migrations(settings)
    else:
        current = with_db(settings, migrations.status)
        if not current.up_to_date:
            what = current.changed or current.pending
            err.print(
                "[red]error:[/red] database schema is not migrated "
                f"({', '.join(what)}); run `modelgraph migrate` or `modelgraph serve --migrate`"
            )
            raise typer.Exit(1)
    _serve(settings, host, port)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    from modelgraph.app import create_app

    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"GraphiQL: http://{bind_host}:{bind_port}/graphql")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level=settings.log_level)


@app.command()
def up(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo graph.")] = False,
    host: Annotated[str | None, typer.Option(help="Bind address (MODELGRAPH_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (MODELGRAPH_PORT).")] = None,
) -> None:
    """Start a local Neo4j (unless MODELGRAPH_NEO4J_URI is set), migrate, optionally demo, serve."""
    from modelgraph.neo4j_local import launcher
    from modelgraph.neo4j_local.errors import LocalNeo4jError

    settings = Settings()
    if "MODELGRAPH_NEO4J_URI" not in os.environ:
        password = settings.neo4j_password.get_secret_value() or None
        try:
            info = launcher.start(home=settings.home, password=password)
        except LocalNeo4jError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
        settings = settings.model_copy(update={"neo4j_uri": info.uri})
        console.print(f"local Neo4j at {info.uri} (data in {info.data_dir})")
    run_migrations(settings)
    if demo:
        load_demo(settings)
    _serve(settings, host, port)


def load_demo(settings: Settings) -> None:
    """Load the demo graph (idempotent)."""
    from modelgraph import demo as demo_module

    summary = with_db(settings, lambda db: demo_module.load(db, settings))
    console.print(f"demo graph loaded: {summary}")


@app.command("demo")
def demo_command() -> None:
    """Load the demo graph of DESIGN.md through the public mutations (idempotent)."""
    load_demo(Settings())


if __name__ == "__main__":  # pragma: no cover
    app()
