"""A live service accepting ModelGraph API tokens, and tokens of each role, for the ingest tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.conftest import LiveServer


@pytest.fixture(scope="session")
def ol_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """Tokens-only auth; outputs in the ``models://`` namespace are model versions."""
    update = {
        "auth": "tokens",
        "warm_up": False,
        "openlineage_model_namespace": r"models://.*",
        "openlineage_job_types": {"DBT_MODEL": "FEATURE_ENGINEERING"},
        # An event is ~15 queries; planned cold on a loaded 2-core machine they can pass 30 s.
        "neo4j_transaction_timeout": 120.0,
    }
    with LiveServer(settings.model_copy(update=update)) as server:
        yield server


@dataclass(frozen=True)
class Tokens:
    contributor: str
    viewer: str
    admin: str


@pytest.fixture
async def tokens(db: Database) -> Tokens:
    """Fresh API tokens on the emptied graph (the secret is what clients send as API key)."""

    async def mint(principal: str, role: str) -> str:
        issued = await access.create_token(db, principal, principal, [role], None, actor=SYSTEM)
        return issued.secret

    return Tokens(
        contributor=await mint("pipeline", "contributor"),
        viewer=await mint("looker", "viewer"),
        admin=await mint("root", "admin"),
    )


@pytest.fixture
async def ol_http(ol_server: LiveServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client against the tokens service, on an emptied graph."""
    async with httpx.AsyncClient(base_url=ol_server.url, timeout=60) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
