"""The authentication edge: every request but health checks gets a verified principal or a 401.

Faces read the result with :func:`principal_of`; permission checks happen below them, in the
store. The user header names the principal only in ``none`` mode (loopback binds only).
"""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from modelgraph.auth.oidc import OidcVerifier
from modelgraph.domain.access import Unauthenticated, local_principal, roles_for_groups
from modelgraph.domain.principal import ANONYMOUS_ID, AuthMethod, Principal
from modelgraph.settings import Settings
from modelgraph.store import access
from modelgraph.store.db import Database

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
PAGE_PATHS = frozenset({"/", "/ui", "/ui/", "/favicon.ico"})


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_refusal(settings: Settings, host: str) -> str | None:
    """Why the service must not start on ``host`` with these settings (None: it may)."""
    if settings.auth == "oidc" and not (settings.auth_issuer and settings.auth_audience):
        return "MODELGRAPH_AUTH=oidc needs MODELGRAPH_AUTH_ISSUER and MODELGRAPH_AUTH_AUDIENCE"
    if settings.auth == "none" and not is_loopback(host):
        return (
            f"refusing to serve on {host} without authentication: set MODELGRAPH_AUTH=oidc or "
            "tokens (MODELGRAPH_AUTH=none is allowed only on a loopback address)"
        )
    return None


def _is_open(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    if path in OPEN_PATHS:
        return True
    if scope.get("method") != "GET":
        return False
    # The explorer's and GraphiQL's pages and assets carry no data; their queries are POSTs that
    # carry the token (the explorer's sign-in needs its page before it has a token to send).
    if path in PAGE_PATHS or path.startswith(("/ui/assets/", "/graphql/assets/")):
        return True
    return path.rstrip("/") == "/graphql" and b"query=" not in scope.get("query_string", b"")


class Authenticator:
    """Turns request headers into a principal, per the configured mode."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.oidc = (
            OidcVerifier(
                settings.auth_issuer,
                settings.auth_audience,
                settings.auth_leeway,
                settings.auth_jwks_cooldown,
            )
            if settings.auth == "oidc"
            else None
        )

    async def authenticate(self, headers: Headers, db: Database) -> Principal:
        """The request's principal, or Unauthenticated."""
        settings = self.settings
        if settings.auth == "none":
            return local_principal(headers.get(settings.user_header))
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
        if credential.startswith(access.TOKEN_PREFIX):
            token = await access.token_principal(db, credential)
            if token is None:
                raise Unauthenticated("unknown, expired or revoked API token")
            return Principal(
                token["principal"], roles=frozenset(token["roles"]), method=AuthMethod.TOKEN
            )
        if self.oidc is None:
            raise Unauthenticated(
                "only ModelGraph API tokens are accepted (MODELGRAPH_AUTH=tokens)"
            )
        claims = await self.oidc.verify(credential)
        subject: Any = claims.get(settings.auth_user_claim) or claims.get("sub")
        if not isinstance(subject, str) or not subject or subject == ANONYMOUS_ID:
            raise Unauthenticated(f"token has no usable {settings.auth_user_claim!r} claim")
        raw_groups = claims.get(settings.auth_groups_claim) or []
        groups = frozenset(
            g.rsplit("/", 1)[-1] for g in raw_groups if isinstance(g, str)
        )  # Keycloak may send full paths
        roles = roles_for_groups(groups, settings.auth_group_roles, settings.auth_default_roles)
        return Principal(subject, groups=groups, roles=roles, method=AuthMethod.OIDC)


class AuthMiddleware:
    """Pure ASGI middleware: authenticate, put the principal in the request state, or 401."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or _is_open(scope):
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        try:
            state["principal"] = await self.authenticator.authenticate(
                Headers(scope=scope), state["db"]
            )
        except Unauthenticated as exc:
            log.info("unauthenticated %s: %s", scope.get("path"), exc.message)
            await _refuse(scope, send, exc.message)
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4401, "reason": message[:120]})
        return
    if scope.get("path", "").startswith("/graphql"):
        body: dict[str, Any] = {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}],
        }
    else:
        body = {"code": "UNAUTHENTICATED", "message": message}
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"www-authenticate", b'Bearer realm="modelgraph"'),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def principal_of(connection: HTTPConnection) -> Principal:
    """The principal the edge established for this request (local mode: the user header)."""
    principal = getattr(connection.state, "principal", None)
    if isinstance(principal, Principal):
        return principal
    settings: Settings = connection.state.settings
    if settings.auth != "none":
        # Only open paths get here without a principal; they must not act as anyone.
        return Principal(ANONYMOUS_ID, method=AuthMethod.OIDC)
    return local_principal(connection.headers.get(settings.user_header))
