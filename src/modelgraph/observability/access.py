"""One JSON log line and the metrics for every HTTP request, with a propagated request id."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgraph.observability import metrics
from modelgraph.store.db import RoundTrips, request_round_trips

REQUEST_ID_HEADER = "x-request-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

access_log = logging.getLogger("modelgraph.access")


@dataclass
class RequestInfo:
    """What a request's layers learn about it for its log line; faces fill in what they know."""

    request_id: str
    principal: str | None = None
    operation: str | None = None
    operation_name: str | None = None
    error_codes: list[str] = field(default_factory=list)


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


class JsonFormatter(logging.Formatter):
    """Renders a record as one JSON object; ``extra={"fields": {...}}`` adds keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_access_log() -> None:
    """Send access lines as JSON to stderr, once per process, not through the root logger."""
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False


def face_of(path: str) -> str:
    """Which API a path belongs to (a bounded metric label)."""
    if path.startswith("/graphql"):
        return "graphql"
    if path.startswith("/api/"):
        return "rest"
    return "service"


def route_of(scope: Scope) -> str:
    """The matched route as a template (``/…/registered_models/{id}``), bounded for labels."""
    if scope.get("endpoint") is None:
        return "unmatched"
    path: str = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(f"/{value}", f"/{{{name}}}", 1)
    return path


class AccessMiddleware:
    """Pure ASGI middleware: request id in and out, metrics, and the access log line."""

    def __init__(self, app: ASGIApp, *, user_header: str, log_requests: bool = True) -> None:
        self.app = app
        self.user_header = user_header.lower().encode()
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        user = headers.get(self.user_header, b"").decode("latin-1") or None
        info = RequestInfo(request_id=request_id, principal=user)
        trips = RoundTrips()
        info_token = current_request.set(info)
        trips_token = request_round_trips.set(trips)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        began = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - began
            current_request.reset(info_token)
            request_round_trips.reset(trips_token)
            self._observe(scope, info, status, elapsed, trips.count)

    def _observe(
        self, scope: Scope, info: RequestInfo, status: int, elapsed: float, trips: int
    ) -> None:
        face = face_of(scope["path"])
        operation = info.operation or route_of(scope)
        metrics.REQUESTS.labels(face, operation, str(status)).inc()
        metrics.REQUEST_SECONDS.labels(face, operation).observe(elapsed)
        metrics.ROUND_TRIPS.labels(face).observe(trips)
        for code in info.error_codes:
            metrics.ERRORS.labels(face, code).inc()
        if status >= 400 and not info.error_codes:
            metrics.ERRORS.labels(face, f"HTTP_{status}").inc()
        if self.log_requests:
            # The verified principal the auth edge put in the request state, else the header's.
            verified = (scope.get("state") or {}).get("principal")
            who = getattr(verified, "id", None) or info.principal or "anonymous"
            access_log.info(
                "request",
                extra={
                    "fields": {
                        "requestId": info.request_id,
                        "method": scope.get("method"),
                        "path": scope["path"],
                        "face": face,
                        "operation": operation,
                        "operationName": info.operation_name,
                        "principal": who,
                        "status": status,
                        "durationMs": round(elapsed * 1000, 2),
                        "neo4jRoundTrips": trips,
                        "errors": info.error_codes,
                    }
                },
            )


def note_error(code: str) -> None:
    """Let the access line and error metric know a request failed with ``code``."""
    info = current_request.get()
    if info is not None:
        info.error_codes.append(code)
