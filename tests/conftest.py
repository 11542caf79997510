"""Shared fixtures: one real Neo4j per test session, a clean graph per test, a live server.

Neo4j is found in this order: MODELGRAPH_TEST_NEO4J_URI if set; a testcontainers Neo4j when a
Docker engine answers; otherwise the project's own Docker-free launcher in a temporary home.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from neo4j import AsyncGraphDatabase
from pydantic import SecretStr

from modelgraph.app import create_app
from modelgraph.settings import Settings
from modelgraph.store import admin, migrations
from modelgraph.store.db import Database, make_driver

TEST_PASSWORD = "modelgraph-test"


@dataclass(frozen=True)
class Neo4jServer:
    """Where the test session's Neo4j answers."""

    uri: str
    user: str
    password: str


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _docker_engine_answers() -> bool:
    """True when a Docker engine answers ``GET /_ping`` (testcontainers can then start Neo4j)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: str | tuple[str, int] = host.removeprefix("unix://")
        elif host.startswith("tcp://"):
            name, _, port = host.removeprefix("tcp://").partition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (name, int(port or 2375))
        else:
            return False
        with sock:
            sock.settimeout(3)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b" 200 " in sock.recv(1024)
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A real Neo4j 5.26 for the whole session, stopped at the end if we started it."""
    uri = os.environ.get("MODELGRAPH_TEST_NEO4J_URI")
    if uri:
        yield Neo4jServer(
            uri,
            os.environ.get("MODELGRAPH_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("MODELGRAPH_TEST_NEO4J_PASSWORD", ""),
        )
        return
    if _docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community", password=TEST_PASSWORD) as container:
            yield Neo4jServer(container.get_connection_url(), "neo4j", TEST_PASSWORD)
        return
    from modelgraph.neo4j_local import launcher

    home = tmp_path_factory.mktemp("neo4j-home")
    info = launcher.start(home=home, port=free_port(), password=TEST_PASSWORD)
    try:
        yield Neo4jServer(info.uri, "neo4j", TEST_PASSWORD)
    finally:
        launcher.stop(home=home)


@pytest.fixture(scope="session")
def settings(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Service settings pointing at the session's Neo4j."""
    return Settings(
        neo4j_uri=neo4j_server.uri,
        neo4j_user=neo4j_server.user,
        neo4j_password=SecretStr(neo4j_server.password),
        home=Path(tmp_path_factory.mktemp("mg-home")),
        # The shared server delivers no webhooks; tests/events start servers of their own.
        webhook_worker=False,
        _env_file=None,
    )


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    """A migrated database for the session."""
    driver = make_driver(settings)
    await driver.verify_connectivity()
    db = Database(driver, settings.neo4j_database)
    await migrations.migrate(db)
    yield db
    await driver.close()


@pytest.fixture
async def db(database: Database) -> Database:
    """The session database, emptied before the test, with a fresh round-trip counter."""
    await admin.clear_graph(database)
    database.round_trips.count = 0
    database.round_trips.names.clear()
    return database


@contextlib.asynccontextmanager
async def one_connection(settings: Settings, acquisition_timeout: float) -> AsyncIterator[Database]:
    """A Database over a driver of its own with a single pooled connection, closed afterwards."""
    driver = AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=settings.neo4j_auth(),
        max_connection_pool_size=1,
        connection_acquisition_timeout=acquisition_timeout,
    )
    try:
        yield Database(driver, settings.neo4j_database)
    finally:
        await driver.close()


class LiveServer:
    """A real uvicorn serving the app on 127.0.0.1 in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_server(settings: Settings, database: Database) -> Iterator[LiveServer]:
    """One live server per session (the database fixture has migrated the schema)."""
    with LiveServer(settings) as server:
        yield server


@pytest.fixture
async def client(live_server: LiveServer, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client against the live server, on an emptied graph."""
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        yield http


async def gql(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, object] | None = None,
    *,
    user: str | None = "tester",
) -> dict[str, object]:
    """POST a GraphQL request and return the decoded body."""
    headers = {"x-modelgraph-user": user} if user else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code in (200, 400), response.text
    body: dict[str, object] = response.json()
    return body


__all__ = ["LiveServer", "Neo4jServer", "free_port", "gql", "one_connection"]
