"""The service's HTTP edge: every middleware, in order, built in :func:`build_middleware`.

Each class is a plain ASGI middleware so that refusals (bad Host, too large, wrong content
type, too many requests) happen before a route or a body parser runs. Add a middleware by
adding one line to :func:`build_middleware`.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgraph.http.errors import classify, send_error
from modelgraph.http.ratelimit import RateLimiter, is_loopback, rate_limit_key
from modelgraph.settings import Settings

log = logging.getLogger(__name__)

# Probes must answer whatever a client does; they carry no body and touch no data.
UNLIMITED_PATHS = frozenset({"/healthz", "/readyz"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# Only our own assets: the /ui page and JSON answers. GraphiQL sets its own (with hashes).
DEFAULT_CSP = (
    "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class LastResort:
    """Turns an unhandled error into the typed JSON shape and keeps the connection alive."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise
            status, code, message = classify(exc)
            if status >= 500:
                log.error("unhandled error on %s %s", scope["method"], scope["path"], exc_info=exc)
            await send_error(send, status, code, message)


class SecurityHeaders:
    """Adds nosniff, frame and referrer policies and a CSP (unless the route set one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.raw.append((name, value))
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = DEFAULT_CSP
            await send(message)

        await self.app(scope, receive, with_headers)


class AllowedHosts:
    """Refuses requests whose Host header names another site (DNS rebinding) with 400."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.any = "*" in hosts
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        host = host_name(Headers(scope=scope).get("host", ""))
        if host not in self.hosts:
            if scope["type"] == "websocket":
                # Closing before accept makes the server answer the handshake with 403.
                await send({"type": "websocket.close", "code": 1008})
                return
            await send_error(send, 400, "INVALID_HOST", "Host header not allowed")
            return
        await self.app(scope, receive, send)


def host_name(header: str) -> str:
    """The host of a Host header, lower-cased, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class RateLimit:
    """Per-client token buckets; over the limit: 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, *, loopback: bool) -> None:
        self.app = app
        self.limiter = limiter
        self.loopback = loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        key = rate_limit_key(Request(scope))
        if not self.loopback and is_loopback(key):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.acquire(key)
        if wait > 0:
            retry = RateLimiter.retry_after(wait)
            message = f"too many requests: retry after {retry} s"
            await send_error(send, 429, "RESOURCE_EXHAUSTED", message, retry_after=retry)
            return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised inside ``receive`` once a body passes the limit."""


class BodyLimit:
    """413 for bodies over ``limit`` bytes: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = f"request body larger than {self.limit} bytes"
        await send_error(
            send, 413, "PAYLOAD_TOO_LARGE", message, limit=self.limit, connection="close"
        )


class JsonBodies:
    """Bodies of POST/PUT/PATCH must be JSON: 415 otherwise (no cross-site simple requests)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in BODY_METHODS:
            headers = Headers(scope=scope)
            media = headers.get("content-type", "").partition(";")[0].strip().lower()
            empty = "content-type" not in headers and headers.get("content-length") == "0"
            if not empty and media != "application/json" and not media.endswith("+json"):
                message = "request bodies must be sent as content-type application/json"
                await send_error(send, 415, "UNSUPPORTED_MEDIA_TYPE", message)
                return
        await self.app(scope, receive, send)


def build_middleware(settings: Settings) -> list[Middleware]:
    """Every middleware, outermost first."""
    stack = [
        Middleware(SecurityHeaders),
        Middleware(LastResort),
        Middleware(AllowedHosts, hosts=settings.allowed_host_names()),
    ]
    if origins := settings.cors_origin_list():
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
                allow_headers=["authorization", "content-type", "x-modelgraph-user"],
                max_age=600,
            )
        )
    if settings.rate_limit_per_second > 0:
        limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
        stack.append(Middleware(RateLimit, limiter=limiter, loopback=settings.rate_limit_loopback))
    stack.append(Middleware(BodyLimit, limit=settings.max_body_bytes))
    stack.append(Middleware(JsonBodies))
    return stack
