"""The ASGI application: Starlette routes, GraphQL, and a lifespan that owns the driver."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any, TypedDict

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from modelgraph import graphiql, ui
from modelgraph.auth.edge import Authenticator, AuthMiddleware, principal_of
from modelgraph.domain import json_limits
from modelgraph.domain.errors import Invalid, ModelGraphError
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.http.errors import last_resort
from modelgraph.http.idempotency import Idempotency, pruning
from modelgraph.http.middleware import build_middleware
from modelgraph.observability import access, metrics
from modelgraph.observability import refresh as metrics_refresh
from modelgraph.openlineage import routes as openlineage_routes
from modelgraph.rest import routes as rest_routes
from modelgraph.settings import Settings
from modelgraph.store import lineage, migrations
from modelgraph.store.db import Database, make_driver
from modelgraph.webhooks import worker as webhook_worker

log = logging.getLogger(__name__)

# /readyz answers within a second whatever the database does (a probe must not hang).
READY_TIMEOUT_S = 0.5
READY_CHECK_S = 2.0
READY_PERIOD_S = 1.0
READY_FRESH_S = 3.0
_NOT_ANSWERING: tuple[dict[str, Any], int] = (
    {"status": "unavailable", "reason": "Neo4j did not answer"},
    503,
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class State(TypedDict):
    """Lifespan state, available as ``request.state``."""

    db: Database
    settings: Settings
    readiness: Readiness


class ModelGraphGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with ModelGraph's per-request context and HTTP hardening."""

    def __init__(self, *args: Any, max_response_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_response_bytes = max_response_bytes

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            return _graphql_error(exc.reason, exc.status_code, "BAD_REQUEST")

    def parse_json(self, data: str | bytes) -> Any:
        try:
            value = json_limits.loads(data)
        except Invalid as exc:
            raise HTTPException(400, exc.message) from exc
        if not isinstance(value, dict):
            raise HTTPException(400, "the GraphQL request body must be a JSON object")
        return value

    def encode_json(self, data: object) -> str | bytes:
        try:
            text: str | bytes = orjson.dumps(data)  # several times faster on lineage answers
        except TypeError:  # an integer beyond 64 bits (a JSON scalar): the standard encoder
            text = json.dumps(data, separators=(",", ":"))
        if len(text) <= self.max_response_bytes:
            return text
        # The last line behind the cost limit: never stream an unbounded answer.
        message = f"the answer is larger than {self.max_response_bytes} bytes: ask for less"
        extensions = {"code": "RESPONSE_TOO_LARGE", "limit": self.max_response_bytes}
        error = {"message": message, "extensions": extensions}
        return json.dumps({"data": None, "errors": [error]}, separators=(",", ":"))

    async def get_context(self, request: Any, response: Any) -> Context:
        state = request.state
        settings: Settings = state.settings
        principal = principal_of(request)
        return Context(db=state.db, settings=settings, user=principal.id, principal=principal)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Fetched assets (`modelgraph graphiql-assets`) make GraphiQL work without internet.
        html = graphiql.with_examples(self.graphql_ide_html)
        if not graphiql.present(graphiql.assets_dir(request.state.settings)):
            page, sources = html, "'self' https://unpkg.com"
        else:
            base = request.url.path.rstrip("/") + "/assets"
            page, sources = graphiql.local_page(html, base), "'self'"
        return HTMLResponse(page, headers={"content-security-policy": ide_csp(page, sources)})


def ide_csp(page: str, sources: str) -> str:
    """A CSP for the GraphiQL page: its assets' origin plus the hashes of its inline scripts."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(page)
    ]
    # Styles may be inline (GraphiQL sets them at run time); scripts only with their hash.
    return (
        f"default-src 'self'; script-src {sources} {' '.join(hashes)}; "
        f"style-src {sources} 'unsafe-inline'; img-src 'self' data:; font-src {sources} data:; "
        "connect-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    )


def _graphql_error(message: str, status: int, code: str) -> JSONResponse:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


async def healthz(_: Request) -> Response:
    """The process is up."""
    return JSONResponse({"status": "ok"})


class Readiness:
    """Readiness asked on each probe with a short timeout; a slow answer falls back to the
    background check's recent one, so /readyz never waits long whatever the database does."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.answer: tuple[dict[str, Any], int] = _NOT_ANSWERING
        self.at = float("-inf")

    async def check(self, within: float) -> tuple[dict[str, Any], int] | None:
        """Ask Neo4j now and remember the answer; None if it took longer than ``within`` s."""
        try:
            current = await asyncio.wait_for(_ready_check(self.db), timeout=within)
        except TimeoutError:
            return None
        except ModelGraphError as exc:
            answer: tuple[dict[str, Any], int] = (
                {"status": "unavailable", "reason": exc.message},
                503,
            )
        else:
            answer = _migration_answer(current)
        self.answer, self.at = answer, time.monotonic()
        return answer

    async def watch(self) -> None:
        """Refresh the remembered answer every READY_PERIOD_S until cancelled."""
        while True:
            if await self.check(READY_CHECK_S) is None:
                self.answer, self.at = _NOT_ANSWERING, time.monotonic()
            await asyncio.sleep(READY_PERIOD_S)

    async def current(self) -> tuple[dict[str, Any], int]:
        """The answer now, within READY_TIMEOUT_S (else a recent one, else unavailable)."""
        answer = await self.check(READY_TIMEOUT_S)
        if answer is not None:
            return answer
        if time.monotonic() - self.at < READY_FRESH_S:
            return self.answer
        return _NOT_ANSWERING


def _migration_answer(current: migrations.MigrationStatus) -> tuple[dict[str, Any], int]:
    if not current.up_to_date:
        reason = "schema not migrated: run `modelgraph migrate`"
        if current.changed:
            reason = "schema files changed after they were applied: " + ", ".join(current.changed)
        return {"status": "unavailable", "reason": reason, "pending": current.pending}, 503
    return {"status": "ready", "applied": len(current.applied)}, 200


async def readyz(request: Request) -> Response:
    """200 only when Neo4j answers and every schema file is applied; 503 with a reason otherwise."""
    readiness: Readiness = request.state.readiness
    body, status = await readiness.current()
    return JSONResponse(body, status)


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
        readiness = Readiness(db)
        tasks: list[asyncio.Task[None]] = []
        try:
            await driver.verify_connectivity()
        except Exception as exc:  # the service still starts; /readyz reports the outage
            log.warning("Neo4j not reachable at start-up (%s): %s", settings.neo4j_uri, exc)
        else:
            await readiness.check(READY_CHECK_S)
            if settings.warm_up:
                tasks.append(asyncio.create_task(_warm_up(db)))
        tasks.append(asyncio.create_task(readiness.watch()))
        tasks.append(asyncio.create_task(metrics.watch_loop_lag()))
        try:
            async with (
                webhook_worker.running(db, settings),
                metrics_refresh.running(db, settings),
                pruning(db, settings.idempotency_prune_interval),
            ):
                yield {"db": db, "settings": settings, "readiness": readiness}
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await driver.close()

    graphql_app = ModelGraphGraphQL(
        schema, graphql_ide="graphiql", max_response_bytes=settings.max_response_bytes
    )
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        Route("/metrics", metrics.metrics_endpoint, methods=["GET"]),
        Route("/graphql/assets/{name}", graphiql.serve_asset, methods=["GET"]),
    ]
    routes.extend(openlineage_routes.routes())
    routes.extend(rest_routes.mounts())
    routes.extend(ui.routes())
    if settings.access_log:
        access.configure_access_log()
    # Outermost first: the access log and request id (so refusals are logged too), the HTTP edge
    # (hosts, limits, headers), authentication, then idempotency keys (per principal).
    middleware = [
        Middleware(
            access.AccessMiddleware,
            user_header=settings.user_header,
            log_requests=settings.access_log,
        ),
        *build_middleware(settings),
        Middleware(AuthMiddleware, authenticator=Authenticator(settings)),
        Middleware(Idempotency, ttl_seconds=settings.idempotency_ttl),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={Exception: last_resort},
        lifespan=lifespan,
    )
