"""Typed error bodies for the HTTP edge, and the last-resort handler behind every route."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Send

log = logging.getLogger(__name__)


def error_body(code: str, message: str, limit: int | None = None) -> bytes:
    """The ``{code, message}`` shape every non-GraphQL error answer uses (plus a broken limit)."""
    body: dict[str, str | int] = {"code": code, "message": message}
    if limit is not None:
        body["limit"] = limit
    return json.dumps(body, separators=(",", ":")).encode()


def error_response(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """A typed JSON error answer."""
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def send_error(
    send: Send, status: int, code: str, message: str, *, limit: int | None = None, **headers: str
) -> None:
    """Send a typed error from an ASGI middleware that has not started a response."""
    body = error_body(code, message, limit)
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw.extend((k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items())
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def classify(exc: Exception) -> tuple[int, str, str]:
    """Status, code and message for an error no route handled."""
    if isinstance(exc, RecursionError):
        # Only pathologically nested input recurses this far (parsers of structs and documents).
        return 400, "INVALID_ARGUMENT", "input is nested too deeply"
    return 500, "INTERNAL", "internal error (logged on the server)"


async def last_resort(request: Request, exc: Exception) -> Response:
    """Starlette's server-error handler: never a plain-text 500, never internals."""
    status, code, message = classify(exc)
    if status >= 500:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(status, code, message)
