"""API tokens: minted by the CLI, shown once, stored as a hash, last use stamped, revocable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncManagedTransaction

from modelgraph.domain.ids import now_ms
from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.auth.conftest import bearer

MODELGRAPH = str(Path(sys.executable).with_name("modelgraph"))


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MODELGRAPH_NEO4J_URI": settings.neo4j_uri,
        "MODELGRAPH_NEO4J_USER": settings.neo4j_user,
        "MODELGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        **extra,
    }


def cli(settings: Settings, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MODELGRAPH, *args],
        capture_output=True,
        text=True,
        env=cli_env(settings, **extra),
        timeout=120,
        check=False,
    )


async def _version(http: httpx.AsyncClient, secret: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": "{ serverVersion }"}, headers=bearer(secret))


async def _token_nodes(db: Database) -> list[dict[str, Any]]:
    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        result = await tx.run("MATCH (t:ApiToken) RETURN properties(t) AS p")
        return [r["p"] async for r in result]

    return await db.read(work)


async def test_cli_token_lifecycle(
    http: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    created = cli(settings, "token", "create", "--name", "ci-churn", "--role", "contributor")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith(access.TOKEN_PREFIX)
    assert (await _version(http, secret)).status_code == 200

    stored = await _token_nodes(db)
    assert len(stored) == 1 and stored[0]["lastUsedAt"] is not None
    assert all(secret not in str(value) for value in stored[0].values())  # only the hash

    listed = cli(settings, "token", "list", "--json")
    assert listed.returncode == 0 and "ci-churn" in listed.stdout and secret not in listed.stdout

    revoked = cli(settings, "token", "revoke", "ci-churn")
    assert revoked.returncode == 0, revoked.stderr
    response = await _version(http, secret)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_and_unknown_tokens_are_refused(
    http: httpx.AsyncClient, db: Database
) -> None:
    issued = await access.create_token(db, "short", "ci", ["viewer"], now_ms() - 1, actor=SYSTEM)
    assert (await _version(http, issued.secret)).status_code == 401
    assert (await _version(http, access.TOKEN_PREFIX + "not-a-token")).status_code == 401


async def test_tokens_mode_refuses_identity_provider_tokens(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    assert (await _version(http, tokens["dave"])).status_code == 401


async def test_user_header_is_ignored_with_auth_on(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", json={"query": "{ serverVersion }"}, headers={"x-modelgraph-user": "admin"}
    )
    assert response.status_code == 401


async def test_admin_mutations_mint_and_revoke(http: httpx.AsyncClient, db: Database) -> None:
    admin = await access.create_token(db, "root", "root", ["admin"], None, actor=SYSTEM)
    viewer = await access.create_token(db, "look", "looker", ["viewer"], None, actor=SYSTEM)
    mint = """mutation { createApiToken(name: "ci", principal: "ci-bot", roles: [CONTRIBUTOR],
              expiresInDays: 90) { secret token { name principal roles expiresAt } } }"""
    refused = await http.post("/graphql", json={"query": mint}, headers=bearer(viewer.secret))
    error = refused.json()["errors"][0]["extensions"]
    assert error == {"code": "FORBIDDEN", "missing": "role:admin"}
    body = (await http.post("/graphql", json={"query": mint}, headers=bearer(admin.secret))).json()
    created = body["data"]["createApiToken"]
    assert created["token"]["roles"] == ["contributor"] and created["token"]["expiresAt"]
    assert (await _version(http, created["secret"])).status_code == 200
    revoke = 'mutation { revokeApiToken(ref: "ci") { revokedAt } }'
    done = await http.post("/graphql", json={"query": revoke}, headers=bearer(admin.secret))
    assert done.json()["data"]["revokeApiToken"]["revokedAt"]
    assert (await _version(http, created["secret"])).status_code == 401


def test_serve_refuses_a_public_bind_without_auth(settings: Settings) -> None:
    run = cli(settings, "serve", "--host", "0.0.0.0", MODELGRAPH_AUTH="none")
    assert run.returncode == 1
    assert "refusing to serve on 0.0.0.0 without authentication" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_serve_refuses_oidc_without_issuer(settings: Settings) -> None:
    run = cli(settings, "serve", "--host", "0.0.0.0", MODELGRAPH_AUTH="oidc")
    assert run.returncode == 1
    assert "MODELGRAPH_AUTH_ISSUER" in run.stderr
