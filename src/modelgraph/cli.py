"""The ``modelgraph`` command line: local Neo4j, migrations, the server, demo data, lineage."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console

from modelgraph.domain.errors import ModelGraphError
from modelgraph.domain.graph import Family
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
err = Console(stderr=True, soft_wrap=True)


def with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open a driver, run ``work`` against the configured database, close the driver."""

    async def main() -> T:
        driver = make_driver(settings)
        try:
            return await work(
                Database(driver, settings.neo4j_database, settings.neo4j_transaction_timeout)
            )
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


@app.command("graphiql-assets")
def graphiql_assets(
    packed: Annotated[
        Path | None, typer.Option("--packed", help="Use `npm pack` tarballs from this directory.")
    ] = None,
) -> None:
    """Fetch GraphiQL's scripts and styles from npm so /graphql works without internet."""
    from modelgraph import graphiql

    target = graphiql.assets_dir(Settings())
    try:
        graphiql.fetch(target, packed=packed)
    except graphiql.AssetError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"GraphiQL assets in {target} ({len(graphiql.ASSETS)} files, SRI verified)")


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
    """Load the demo graph the README tours through the public mutations (idempotent)."""
    load_demo(Settings())


def _as_of(value: str | None) -> int | None:
    """``--as-of``: epoch ms, or an ISO date/time (UTC when no zone is given)."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] --as-of {value!r} is neither epoch ms nor an ISO date/time")
        raise typer.Exit(2) from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Answer as of a time: epoch ms or ISO date/time.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]


@app.command()
def trace(ref: str, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Everything a deployment or model version came from (REF: id, name, model:version, ...)."""
    from rich.tree import Tree

    from modelgraph.store import lineage

    graph = with_db(Settings(), lambda db: lineage.trace(db, ref, as_of=_as_of(as_of)))
    if as_json:
        typer.echo(json.dumps(graph.as_dict(), indent=2))
        return
    by_id = {item.id: item for item in [graph.root, *graph.items]}
    trees = {graph.root.id: Tree(f"[bold]{graph.root.kind}[/bold] {graph.root.label}")}
    for item in graph.items:
        rows = item.props.get("rows")
        detail = item.props.get("type") or item.props.get("stage") or (rows and f"{rows} rows")
        hp = Family.HYPERPARAMETERS.scalar_prefix
        hyper = {k[len(hp) :]: v for k, v in item.props.items() if k.startswith(hp)}
        text = f"{item.kind} [bold]{item.label}[/bold] {detail or ''} (distance {item.distance})"
        text += f" {hyper}" if hyper else ""
        parent = item.path[-2] if len(item.path) > 1 and item.path[-2] in by_id else graph.root.id
        trees[item.id] = trees[parent].add(text)
    console.print(trees[graph.root.id])
    if graph.truncated:
        console.print("[yellow]truncated: a depth or node cap was hit[/yellow]")


@app.command()
def impact(
    ref: str,
    as_of: AsOfOption = None,
    live_only: Annotated[
        bool, typer.Option("--live-only", help="Only LIVE nodes and current deployments.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Everything that depends on a dataset or dataset version (runs, models, deployments)."""
    from rich.table import Table

    from modelgraph.store import lineage

    graph = with_db(
        Settings(), lambda db: lineage.impact(db, ref, as_of=_as_of(as_of), live_only=live_only)
    )
    if as_json:
        typer.echo(json.dumps(graph.as_dict(), indent=2))
        return
    table = Table(title=f"impact of {graph.root.kind} {graph.root.label}")
    for column in ("distance", "kind", "name", "state"):
        table.add_column(column)
    for item in graph.items:
        table.add_row(str(item.distance), item.kind, item.label, str(item.props.get("state")))
    console.print(table)
    if graph.truncated:
        console.print("[yellow]truncated: a depth or node cap was hit[/yellow]")


if __name__ == "__main__":  # pragma: no cover
    app()
