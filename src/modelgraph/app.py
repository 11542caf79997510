"""The ASGI application: Starlette routes, GraphQL, and a lifespan that owns the driver."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from strawberry.asgi import GraphQL

from modelgraph import graphiql
from modelgraph.domain.errors import ModelGraphError
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.observability import access, metrics
from modelgraph.observability import refresh as metrics_refresh
from modelgraph.rest import routes as rest_routes
from modelgraph.settings import Settings
from modelgraph.store import lineage, migrations
from modelgraph.store.db import Database, make_driver
from modelgraph.webhooks import worker as webhook_worker

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 3.0


class State(TypedDict):
    """Lifespan state, available as ``request.state``."""

    db: Database
    settings: Settings


class ModelGraphGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with ModelGraph's per-request context."""

    async def get_context(self, request: Any, response: Any) -> Context:
        state = request.state
        settings: Settings = state.settings
        user = request.headers.get(settings.user_header) or None
        return Context(db=state.db, settings=settings, user=user)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Fetched assets (`modelgraph graphiql-assets`) make GraphiQL work without internet.
        if not graphiql.present(graphiql.assets_dir(request.state.settings)):
            return HTMLResponse(self.graphql_ide_html)
        base = request.url.path.rstrip("/") + "/assets"
        return HTMLResponse(graphiql.local_page(self.graphql_ide_html, base))


async def healthz(_: Request) -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """200 only when Neo4j answers and every schema file is applied; 503 with a reason otherwise."""
    db: Database = request.state.db
    try:
        current = await asyncio.wait_for(_ready_check(db), timeout=READY_TIMEOUT_S)
    except TimeoutError:
        return JSONResponse({"status": "unavailable", "reason": "Neo4j did not answer"}, 503)
    except ModelGraphError as exc:
        return JSONResponse({"status": "unavailable", "reason": exc.message}, 503)
    if not current.up_to_date:
        reason = "schema not migrated: run `modelgraph migrate`"
        if current.changed:
            reason = "schema files changed after they were applied: " + ", ".join(current.changed)
        body = {"status": "unavailable", "reason": reason, "pending": current.pending}
        return JSONResponse(body, 503)
    return JSONResponse({"status": "ready", "applied": len(current.applied)})


async def _ready_check(db: Database) -> migrations.MigrationStatus:
    await db.ping()
    return await migrations.status(db)


async def _warm_up(db: Database) -> None:
    """Plan the lineage queries in the background so the first real requests are not slow."""
    try:
        planned = await lineage.warm_up(db)
    except ModelGraphError as exc:
        log.warning("lineage warm-up skipped: %s", exc.message)
    else:
        log.info("lineage warm-up planned %d queries", planned)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the service; the lifespan opens one AsyncDriver and closes it on shutdown."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[State]:
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database, settings.neo4j_transaction_timeout)
        warm: asyncio.Task[None] | None = None
        try:
            await driver.verify_connectivity()
        except Exception as exc:  # the service still starts; /readyz reports the outage
            log.warning("Neo4j not reachable at start-up (%s): %s", settings.neo4j_uri, exc)
        else:
            if settings.warm_up:
                warm = asyncio.create_task(_warm_up(db))
        try:
            async with (
                webhook_worker.running(db, settings),
                metrics_refresh.running(db, settings),
            ):
                yield {"db": db, "settings": settings}
        finally:
            if warm is not None:
                warm.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await warm
            await driver.close()

    graphql_app = ModelGraphGraphQL(schema, graphql_ide="graphiql")
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        Route("/metrics", metrics.metrics_endpoint, methods=["GET"]),
        Route("/graphql/assets/{name}", graphiql.serve_asset, methods=["GET"]),
    ]
    routes.extend(rest_routes.mounts())
    if settings.access_log:
        access.configure_access_log()
    middleware = [
        Middleware(
            access.AccessMiddleware,
            user_header=settings.user_header,
            log_requests=settings.access_log,
        )
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
