"""OIDC bearer tokens from a real Keycloak: accepted when valid, refused for every defect."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.auth import keycloak
from tests.auth.conftest import CLIENT, REALM, bearer

WHO = "{ auditLog(first: 1) { id } }"
VERSION = "{ serverVersion }"


async def _post(http: httpx.AsyncClient, token: str | None, query: str = VERSION) -> httpx.Response:
    headers = bearer(token) if token else {}
    return await http.post("/graphql", json={"query": query}, headers=headers)


@pytest.fixture(scope="session")
def imported_key(idp: keycloak.Keycloak) -> tuple[rsa.RSAPrivateKey, str]:
    """A key we hold, imported into the realm at low priority: its kid is in the real JWKS."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    idp.admin(
        "POST",
        f"/realms/{REALM}/components",
        {
            "name": "test-imported",
            "providerId": "rsa",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": REALM,
            "config": {"priority": ["1"], "privateKey": [pem], "algorithm": ["RS256"]},
        },
    )
    jwks = httpx.get(f"{idp.issuer(REALM)}/protocol/openid-connect/certs", timeout=120).json()
    n = base64.urlsafe_b64encode(key.public_key().public_numbers().n.to_bytes(256, "big")).rstrip(
        b"="
    )
    kid = next(k["kid"] for k in jwks["keys"] if k.get("n", "").encode() == n)
    return key, kid


def _claims(idp: keycloak.Keycloak, **over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": idp.issuer(REALM),
        "aud": CLIENT,
        "sub": "forged",
        "preferred_username": "dave",
        "groups": ["ml-admins"],
        "iat": now,
        "exp": now + 300,
    }
    claims.update(over)
    return claims


async def test_valid_keycloak_token_is_accepted(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await _post(oidc_client, tokens["carol"])
    assert response.status_code == 200, response.text
    assert response.json()["data"]["serverVersion"]


async def test_signed_with_a_published_key_is_accepted(
    oidc_client: httpx.AsyncClient,
    idp: keycloak.Keycloak,
    imported_key: tuple[rsa.RSAPrivateKey, str],
) -> None:
    """The control for the hand-signed refusals below: the same key with good claims passes."""
    key, kid = imported_key
    token = jwt.encode(_claims(idp), key, algorithm="RS256", headers={"kid": kid})
    response = await _post(oidc_client, token)
    assert response.status_code == 200, response.text


async def test_no_token_is_unauthenticated(oidc_client: httpx.AsyncClient) -> None:
    response = await _post(oidc_client, None)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    rest = await oidc_client.get("/api/model_registry/v1alpha3/registered_models")
    assert rest.status_code == 401
    assert rest.json()["code"] == "UNAUTHENTICATED"


async def test_health_checks_stay_open(oidc_client: httpx.AsyncClient) -> None:
    assert (await oidc_client.get("/healthz")).status_code == 200
    assert (await oidc_client.get("/readyz")).status_code == 200


@pytest.mark.parametrize(
    "defect",
    ["expired", "not_yet_valid", "wrong_issuer", "wrong_audience_claim", "no_exp"],
)
async def test_defective_claims_are_refused(
    oidc_client: httpx.AsyncClient,
    idp: keycloak.Keycloak,
    imported_key: tuple[rsa.RSAPrivateKey, str],
    defect: str,
) -> None:
    key, kid = imported_key
    now = int(time.time())
    over: dict[str, Any] = {
        "expired": {"exp": now - 120, "iat": now - 600},
        "not_yet_valid": {"nbf": now + 600},
        "wrong_issuer": {"iss": "http://127.0.0.1:1/realms/evil"},
        "wrong_audience_claim": {"aud": "another-service"},
    }.get(defect, {})
    claims = _claims(idp, **over)
    if defect == "no_exp":
        del claims["exp"]
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    response = await _post(oidc_client, token)
    assert response.status_code == 401, (defect, response.text)


async def test_token_for_another_client_is_refused(
    oidc_client: httpx.AsyncClient, idp: keycloak.Keycloak
) -> None:
    """A real token of the same realm issued to another client has the wrong audience."""
    token = idp.password_token(REALM, "other-app", "other-secret", "alice", "alice-pw")
    assert (await _post(oidc_client, token)).status_code == 401


async def test_token_of_another_realm_is_refused(
    oidc_client: httpx.AsyncClient, idp: keycloak.Keycloak
) -> None:
    assert (await _post(oidc_client, idp.admin_token())).status_code == 401


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_alg_none_is_refused(
    oidc_client: httpx.AsyncClient, idp: keycloak.Keycloak, tokens: dict[str, str]
) -> None:
    kid = jwt.get_unverified_header(tokens["carol"])["kid"]
    token = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(_claims(idp))}."
    assert (await _post(oidc_client, token)).status_code == 401


async def test_hmac_with_the_public_key_is_refused(
    oidc_client: httpx.AsyncClient,
    idp: keycloak.Keycloak,
    imported_key: tuple[rsa.RSAPrivateKey, str],
) -> None:
    key, kid = imported_key
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": kid})
    payload = _b64(_claims(idp))
    import hashlib
    import hmac

    signature = hmac.new(public, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    assert (await _post(oidc_client, token)).status_code == 401


async def test_tampered_token_is_refused(
    oidc_client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    """carol's real token with ml-admins added to its groups: the signature no longer matches."""
    header, payload, signature = _segments(tokens["carol"])
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["ml-admins"]
    forged = f"{header}.{_b64(claims)}.{signature}"
    response = await _post(oidc_client, forged, WHO)
    assert response.status_code == 401
    untampered = await _post(oidc_client, tokens["carol"], WHO)
    assert untampered.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_key_rotation_new_tokens_verify(
    oidc_client: httpx.AsyncClient, idp: keycloak.Keycloak, tokens: dict[str, str]
) -> None:
    """A new active realm key signs new tokens; the service fetches the JWKS again for its kid."""
    old_kid = jwt.get_unverified_header(tokens["carol"])["kid"]
    assert (await _post(oidc_client, tokens["carol"])).status_code == 200  # old key cached
    idp.admin(
        "POST",
        f"/realms/{REALM}/components",
        {
            "name": "rotated",
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": REALM,
            "config": {"priority": ["500"], "keySize": ["2048"], "algorithm": ["RS256"]},
        },
    )
    fresh = idp.password_token(REALM, CLIENT, "modelgraph-secret", "carol", "carol-pw")
    assert jwt.get_unverified_header(fresh)["kid"] != old_kid
    assert (await _post(oidc_client, fresh)).status_code == 200
    assert (await _post(oidc_client, tokens["carol"])).status_code == 200  # old key still listed
