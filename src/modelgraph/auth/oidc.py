"""OIDC bearer tokens: issuer discovery, a cached JWKS refreshed on an unknown key id, checks."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx
import jwt

from modelgraph.domain.access import Unauthenticated

# Asymmetric only: `none` and HMAC (which a public key must never verify) are refused.
ALGORITHMS = ["RS256", "ES256"]
HTTP_TIMEOUT_S = 10.0


class OidcVerifier:
    """Verifies identity-provider access tokens for one issuer and audience."""

    def __init__(self, issuer: str, audience: str, leeway: int, cooldown: float = 30.0) -> None:
        if not issuer or not audience:
            raise ValueError("MODELGRAPH_AUTH_ISSUER and MODELGRAPH_AUTH_AUDIENCE must be set")
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.leeway = leeway
        self.cooldown = cooldown
        self._jwks: jwt.PyJWKClient | None = None
        self._lock = asyncio.Lock()

    async def _client(self) -> jwt.PyJWKClient:
        async with self._lock:
            if self._jwks is None:
                url = f"{self.issuer}/.well-known/openid-configuration"
                try:
                    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as http:
                        response = await http.get(url)
                        response.raise_for_status()
                        discovery = response.json()
                except (httpx.HTTPError, ValueError) as exc:
                    raise Unauthenticated(f"identity provider unreachable: {exc}") from None
                if discovery.get("issuer", "").rstrip("/") != self.issuer:
                    raise Unauthenticated("identity provider discovery names another issuer")
                # Keys are cached; PyJWKClient refetches the set when a token names an unknown kid.
                self._jwks = jwt.PyJWKClient(
                    discovery["jwks_uri"],
                    cache_keys=True,
                    lifespan=3600,
                    timeout=HTTP_TIMEOUT_S,
                    cooldown_duration=self.cooldown,
                )
            return self._jwks

    async def verify(self, token: str) -> Mapping[str, Any]:
        """The token's claims, or Unauthenticated with the reason."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("malformed bearer token") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthenticated(f"token algorithm {header.get('alg')!r} is not accepted")
        client = await self._client()
        try:
            key = await asyncio.to_thread(client.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWKClientError as exc:
            raise Unauthenticated(f"token signing key not found: {exc}") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        return claims
