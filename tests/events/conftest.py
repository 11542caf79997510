"""Servers for the event tests: their own delivery worker, fast retries, loopback allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import LiveServer


def event_settings(settings: Settings, **changes: object) -> Settings:
    """Session settings with the worker on, retries in tenths of seconds, loopback allowed."""
    fast: dict[str, object] = {
        "webhook_worker": True,
        "webhook_allow": "127.0.0.1/32",
        "webhook_max_attempts": 3,
        "webhook_backoff_base": 0.2,
        "webhook_backoff_max": 5.0,
        "webhook_timeout": 2.0,
        "webhook_lease": 5.0,
        "events_poll_interval": 0.05,
        "warm_up": False,
    }
    fast.update(changes)
    return settings.model_copy(update=fast)


@pytest.fixture
def events_settings(settings: Settings) -> Settings:
    return event_settings(settings)


@pytest.fixture
def events_server(events_settings: Settings, db: Database) -> Iterator[LiveServer]:
    """A server of the test's own, on an emptied graph, delivering webhooks."""
    with LiveServer(events_settings) as server:
        yield server


@pytest.fixture
async def events_client(events_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=events_server.url, timeout=60) as http:
        yield http
