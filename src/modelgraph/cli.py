"""The ``modelgraph`` command line: local Neo4j, migrations, the server, demo data, lineage."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import uvicorn
from rich.console import Console

from modelgraph.domain.errors import ModelGraphError
from modelgraph.domain.graph import Family
from modelgraph.neo4j_local.cli import neo4j_app
from modelgraph.remote import IMPACT as _REMOTE_IMPACT
from modelgraph.remote import TRACE as _REMOTE_TRACE
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
    _check_bind(settings, host)
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


def _check_bind(settings: Settings, host: str | None) -> None:
    """Refuse, before anything starts, to serve beyond loopback without authentication."""
    from modelgraph.auth.edge import bind_refusal

    refusal = bind_refusal(settings, host or settings.host)
    if refusal:
        err.print(f"[red]error:[/red] {refusal}")
        raise typer.Exit(1)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    from modelgraph.app import create_app

    bind_host, bind_port = host or settings.host, port or settings.port
    if settings.auth == "none":
        err.print(
            "[yellow]warning:[/yellow] authentication is off (MODELGRAPH_AUTH=none): anyone who "
            "can reach this loopback port acts as whoever the user header names"
        )
    console.print(f"GraphiQL: http://{bind_host}:{bind_port}/graphql")
    if settings.workers == 1:
        uvicorn.run(
            create_app(settings), host=bind_host, port=bind_port, log_level=settings.log_level
        )
        return
    _serve_workers(settings, bind_host, bind_port)


def _serve_workers(settings: Settings, host: str, port: int) -> None:
    """MODELGRAPH_WORKERS uvicorn worker processes, each building its app from the environment;
    their metrics meet in PROMETHEUS_MULTIPROC_DIR (a private one unless it is set)."""
    import shutil
    import tempfile

    own_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        own_dir = tempfile.mkdtemp(prefix="modelgraph-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = own_dir
    # Workers read their settings from the environment: give them the bind the flags chose.
    os.environ["MODELGRAPH_HOST"], os.environ["MODELGRAPH_PORT"] = host, str(port)
    console.print(f"{settings.workers} worker processes")
    try:
        uvicorn.run(
            "modelgraph.app:create_app",
            factory=True,
            workers=settings.workers,
            host=host,
            port=port,
            log_level=settings.log_level,
        )
    finally:
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)


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
    from modelgraph.neo4j_local.password import local_password

    settings = Settings()
    _check_bind(settings, host)
    if "MODELGRAPH_NEO4J_URI" not in os.environ:
        try:
            configured = settings.neo4j_password.get_secret_value() or None
            password = local_password(settings.home, configured)
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


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="File to write (gzip JSON lines).")],
    tries: Annotated[
        int, typer.Option(min=1, help="Export attempts while writes keep committing.")
    ] = 5,
) -> None:
    """Write the whole graph to PATH from one consistent read, while the service runs."""
    from modelgraph.store import backup

    report = with_db(Settings(), lambda db: backup.backup(db, path, tries=tries))
    console.print(
        f"backup written to {report.path}: {report.counts.nodes} nodes, "
        f"{report.counts.relationships} relationships, {report.bytes} bytes "
        f"(attempt {report.attempts})"
    )


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A file written by `modelgraph backup`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the current graph first if it is not empty.")
    ] = False,
) -> None:
    """Load a backup into an empty database (migrating it first) and verify the counts."""
    from modelgraph.store import backup

    report = with_db(Settings(), lambda db: backup.restore(db, path, replace=replace))
    console.print(
        f"restored {report.counts.nodes} nodes and {report.counts.relationships} relationships "
        f"from {path}; counts verified"
    )


token_app = typer.Typer(help="API tokens for scripts and CI (direct database access).")
app.add_typer(token_app, name="token")
_DURATION_UNITS = {"d": 86_400_000, "h": 3_600_000}
_TOKEN_COLUMNS = ("name", "principal", "roles", "expiresAt", "lastUsedAt", "revokedAt")


def _expires(value: str | None) -> int | None:
    """``--expires 90d`` / ``12h``: epoch ms of the expiry, None for no expiry."""
    from modelgraph.domain.ids import now_ms

    if value is None:
        return None
    amount, unit = value[:-1], value[-1:]
    if unit not in _DURATION_UNITS or not amount.isdigit() or int(amount) < 1:
        err.print(
            f"[red]error:[/red] --expires {value!r}: use a number of days or hours (90d, 12h)"
        )
        raise typer.Exit(2)
    return now_ms() + int(amount) * _DURATION_UNITS[unit]


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="A unique name, e.g. ci-churn.")],
    role: Annotated[
        list[str], typer.Option("--role", help="viewer, contributor, approver or admin.")
    ],
    principal: Annotated[
        str | None, typer.Option("--principal", help="Who the token acts as (default: NAME).")
    ] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="e.g. 90d or 12h.")] = None,
) -> None:
    """Mint an API token; its secret is printed once and only its hash is stored."""
    from modelgraph.domain.access import Role
    from modelgraph.domain.principal import SYSTEM
    from modelgraph.store import access

    try:
        roles = [Role(r).value for r in role]
    except ValueError:
        err.print(f"[red]error:[/red] --role must be one of {', '.join(r.value for r in Role)}")
        raise typer.Exit(2) from None
    expires_at = _expires(expires)
    issued = with_db(
        Settings(),
        lambda db: access.create_token(
            db, name, principal or name, roles, expires_at, actor=SYSTEM
        ),
    )
    err.print(f"token {name!r} for {issued.token['principal']} ({', '.join(roles)}); shown once:")
    typer.echo(issued.secret)


@token_app.command("list")
def token_list(as_json: JsonOption = False) -> None:
    """Every API token with its roles, expiry, last use and revocation (never the secret)."""
    from rich.table import Table

    from modelgraph.domain.principal import SYSTEM
    from modelgraph.store import access

    rows = with_db(Settings(), lambda db: access.list_tokens(db, actor=SYSTEM))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table()
    for column in _TOKEN_COLUMNS:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row.get(c) if c != "roles" else ",".join(row["roles"])) for c in _TOKEN_COLUMNS)
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(ref: Annotated[str, typer.Argument(help="Token id or name.")]) -> None:
    """Revoke an API token: requests that send it are refused from now on."""
    from modelgraph.domain.principal import SYSTEM
    from modelgraph.store import access

    row = with_db(Settings(), lambda db: access.revoke_token(db, ref, actor=SYSTEM))
    console.print(f"revoked {row['name']!r}")


def _as_of(value: str | None, option: str = "--as-of") -> int | None:
    """``--as-of``: epoch ms, or an ISO date/time (UTC when no zone is given)."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"[red]error:[/red] {option} {value!r} is neither epoch ms nor an ISO date/time")
        raise typer.Exit(2) from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Answer as of a time: epoch ms or ISO date/time.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]


UrlOption = Annotated[
    str | None,
    typer.Option("--url", envvar="MODELGRAPH_URL", help="Ask a running service (no database)."),
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="MODELGRAPH_TOKEN", help="Bearer token for --url."),
]


def _remote(url: str, token: str | None, text: str, variables: dict[str, object]) -> Any:
    from modelgraph import remote

    try:
        return remote.graphql(url, token, text, variables)
    except remote.RemoteError as exc:
        err.print(f"[red]error:[/red] {exc.code}: {exc.message}")
        raise typer.Exit(1) from None


def _item_rows(graph: Any) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """A store answer in the shape the service returns, so both print the same."""

    hp = Family.HYPERPARAMETERS.scalar_prefix

    def row(item: Any) -> dict[str, Any]:
        props = item.props
        return {
            "id": item.id,
            "kind": item.kind,
            "label": item.label,
            "distance": item.distance,
            "path": item.path,
            "state": props.get("state"),
            "executionType": props.get("type"),
            "stage": props.get("stage"),
            "rows": props.get("rows"),
            "hyper": {k[len(hp) :]: v for k, v in props.items() if k.startswith(hp)},
        }

    return row(graph.root), [row(i) for i in graph.items], graph.truncated


def _remote_rows(answer: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    nodes = []
    for node in answer["nodes"]:
        hyper = {
            h["key"]: next(
                (v for v in (h["floatValue"], h["intValue"], h["stringValue"]) if v is not None),
                None,
            )
            for h in node.pop("hyperparameters", None) or []
        }
        nodes.append({**node, "hyper": hyper})
    return answer["root"], nodes, answer["truncated"]


@app.command()
def trace(
    ref: str,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Everything a deployment or model version came from (REF: id, name, model:version, ...)."""
    from rich.tree import Tree

    from modelgraph.store import lineage

    when = _as_of(as_of)
    if url:
        answer = _remote(url, token, _REMOTE_TRACE, {"ref": ref, "asOf": when})["trace"]
        if as_json:
            typer.echo(json.dumps(answer, indent=2))
            return
        root, items, truncated = _remote_rows(answer)
    else:
        graph = with_db(Settings(), lambda db: lineage.trace(db, ref, as_of=when))
        if as_json:
            typer.echo(json.dumps(graph.as_dict(), indent=2))
            return
        root, items, truncated = _item_rows(graph)
    by_id = {item["id"]: item for item in [root, *items]}
    trees = {root["id"]: Tree(f"[bold]{root['kind']}[/bold] {root['label']}")}
    for item in items:
        rows = item.get("rows")
        detail = item.get("executionType") or item.get("stage") or (rows and f"{rows} rows")
        text = f"{item['kind']} [bold]{item['label']}[/bold] {detail or ''}"
        text += f" (distance {item['distance']})"
        text += f" {item['hyper']}" if item["hyper"] else ""
        path = item["path"]
        parent = path[-2] if len(path) > 1 and path[-2] in by_id else root["id"]
        trees[item["id"]] = trees[parent].add(text)
    console.print(trees[root["id"]])
    if truncated:
        console.print("[yellow]truncated: a depth or node cap was hit[/yellow]")


@app.command()
def impact(
    ref: str,
    as_of: AsOfOption = None,
    live_only: Annotated[
        bool, typer.Option("--live-only", help="Only LIVE nodes and current deployments.")
    ] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Everything that depends on a dataset or dataset version (runs, models, deployments)."""
    from rich.table import Table

    from modelgraph.store import lineage

    when = _as_of(as_of)
    if url:
        variables: dict[str, object] = {"ref": ref, "asOf": when, "liveOnly": live_only}
        answer = _remote(url, token, _REMOTE_IMPACT, variables)["impact"]
        if as_json:
            typer.echo(json.dumps(answer, indent=2))
            return
        root, items, truncated = _remote_rows(answer)
    else:
        graph = with_db(
            Settings(), lambda db: lineage.impact(db, ref, as_of=when, live_only=live_only)
        )
        if as_json:
            typer.echo(json.dumps(graph.as_dict(), indent=2))
            return
        root, items, truncated = _item_rows(graph)
    table = Table(title=f"impact of {root['kind']} {root['label']}")
    for column in ("distance", "kind", "name", "state"):
        table.add_column(column)
    for item in items:
        table.add_row(str(item["distance"]), item["kind"], item["label"], str(item["state"]))
    console.print(table)
    if truncated:
        console.print("[yellow]truncated: a depth or node cap was hit[/yellow]")


if __name__ == "__main__":  # pragma: no cover
    app()


import_app = typer.Typer(help="Import another registry's lineage (direct database access).")
app.add_typer(import_app, name="import")


@import_app.command("mlflow")
def import_mlflow_command(
    tracking_uri: Annotated[
        str,
        typer.Option(
            "--tracking-uri", envvar="MLFLOW_TRACKING_URI", help="e.g. sqlite:///mlflow.db"
        ),
    ],
    experiment: Annotated[
        list[str] | None, typer.Option("--experiment", help="Only this experiment (repeatable).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only runs started since: ISO date or epoch ms.")
    ] = None,
    registry_uri: Annotated[
        str | None, typer.Option("--registry-uri", help="Model registry URI (default: tracking).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import MLflow experiments, runs, datasets, logged and registered models (idempotent)."""
    try:
        from modelgraph.importers.mlflow import import_with_progress
    except ImportError:
        err.print("[red]error:[/red] MLflow's client is missing: pip install 'modelgraph[mlflow]'")
        raise typer.Exit(2) from None
    settings, since_ms = Settings(), _as_of(since, "--since")
    summary = with_db(
        settings,
        lambda db: import_with_progress(
            db,
            tracking_uri,
            err,
            registry_uri=registry_uri,
            experiments=experiment,
            since_ms=since_ms,
            require_approval=settings.require_approval_for_production,
        ),
    )
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        for kind, row in summary.counts.items():
            console.print(f"{kind}: " + ", ".join(f"{n} {o.value}" for o, n in row.items()))
        for line in summary.errors:
            err.print(f"[red]failed:[/red] {line}")
    if summary.errors:
        raise typer.Exit(1)
