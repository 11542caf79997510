"""Auth fixtures: one real Keycloak per test session and a service that trusts it."""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.auth import keycloak
from tests.conftest import LiveServer, free_port

REALM = "modelgraph"
CLIENT = "modelgraph"
CLIENT_SECRET = "modelgraph-secret"
PASSWORDS = {"alice": "alice-pw", "mallory": "mallory-pw", "bob": "bob-pw", "carol": "carol-pw"}
PASSWORDS["dave"] = "dave-pw"
GROUP_ROLES = {
    "ml-viewers": ["viewer"],
    "ml-contributors": ["contributor"],
    "ml-approvers": ["approver"],
    "ml-admins": ["admin"],
}


_LAUNCHED: list[keycloak.Keycloak] = []
# Keycloak can take minutes on a loaded machine: the test that first waits for it may take long.
IDP_TIMEOUT_S = 1200


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Launch Keycloak as soon as collection shows a test needs it, so it boots beside Neo4j."""
    wanting = [item for item in items if "idp" in getattr(item, "fixturenames", ())]
    for item in wanting:
        item.add_marker(pytest.mark.timeout(IDP_TIMEOUT_S))
    if wanting and not _LAUNCHED:
        log = Path(tempfile.mkdtemp(prefix="keycloak-")) / "keycloak.log"
        _LAUNCHED.append(keycloak.launch(free_port(), log))


@pytest.fixture(scope="session")
def idp() -> Iterator[keycloak.Keycloak]:
    """A real Keycloak with the test realm (client, users, groups), stopped at the end."""
    if not _LAUNCHED:
        log = Path(tempfile.mkdtemp(prefix="keycloak-")) / "keycloak.log"
        _LAUNCHED.append(keycloak.launch(free_port(), log))
    server = _LAUNCHED[0]
    try:
        keycloak.wait_ready(server)
        realm = json.loads((Path(__file__).parent / "realm.json").read_text())
        server.admin("POST", "/realms", realm)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oidc_settings(settings: Settings, idp: keycloak.Keycloak) -> Settings:
    """The session's settings with OIDC on against the test realm."""
    return settings.model_copy(
        update={
            "auth": "oidc",
            "auth_issuer": idp.issuer(REALM),
            "auth_audience": CLIENT,
            "auth_user_claim": "preferred_username",
            "auth_group_roles": GROUP_ROLES,
            "auth_default_roles": [],
            "auth_jwks_cooldown": 0.0,
            "require_approval_for_production": True,
            "webhook_allow": "127.0.0.1",
        }
    )


@pytest.fixture(scope="session")
def oidc_server(oidc_settings: Settings, database: Database) -> Iterator[LiveServer]:
    """A live service with OIDC authentication."""
    with LiveServer(oidc_settings) as server:
        yield server


@pytest.fixture
async def oidc_client(oidc_server: LiveServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client against the OIDC service, on an emptied graph."""
    async with httpx.AsyncClient(base_url=oidc_server.url, timeout=60) as http:
        yield http


@pytest.fixture(scope="session")
def tokens_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """A live service accepting ModelGraph API tokens only."""
    with LiveServer(settings.model_copy(update={"auth": "tokens"})) as server:
        yield server


@pytest.fixture
async def http(tokens_server: LiveServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client against the tokens-only service, on an emptied graph."""
    async with httpx.AsyncClient(base_url=tokens_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def tokens(idp: keycloak.Keycloak) -> dict[str, str]:
    """Access tokens from the realm's token endpoint, by user name."""
    return {
        user: idp.password_token(REALM, CLIENT, CLIENT_SECRET, user, password)
        for user, password in PASSWORDS.items()
    }


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop a Keycloak launched at collection even if no test got to use it."""
    for server in _LAUNCHED:
        server.stop()
