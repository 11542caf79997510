"""GraphQL subscriptions over graphql-transport-ws with a real WebSocket client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import LiveServer, gql
from tests.events.test_webhooks import data

SUBSCRIBE = """subscription($after: String, $types: [String!], $scope: ID) {
  events(after: $after, types: $types, scopeId: $scope) {
    id cursor type entityId entityKind principal payload
  }
}"""
IMPACT = """{ impact(ref: "customer-transactions:v2", liveOnly: true) { counts { kind } } }"""
FLAG = """mutation($ref: String!) { flagDatasetVersion(ref: $ref, reason: "bad") { events } }"""


@asynccontextmanager
async def subscription(
    server: LiveServer, variables: dict[str, Any]
) -> AsyncIterator[ClientConnection]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        message = {"query": SUBSCRIBE, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": message}))
        yield ws


async def receive(ws: ClientConnection, count: int, within: float = 20.0) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    async with asyncio.timeout(within):
        while len(got) < count:
            message = json.loads(await ws.recv())
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            got.append(message["payload"]["data"]["events"])
    return got


async def test_subscriber_gets_changes_and_resumes_without_gaps_or_duplicates(
    events_server: LiveServer,
    events_client: httpx.AsyncClient,
    db: Database,
    settings: Settings,
) -> None:
    await demo.load(db, settings)
    data(await gql(events_client, IMPACT))  # plans the impact walk before any timing matters
    variables = {"types": ["impact.flagged", "dataset_version.flagged"]}
    async with subscription(events_server, variables) as ws:
        await asyncio.sleep(0.3)  # subscribed before the change
        data(await gql(events_client, FLAG, {"ref": "customer-transactions:v2"}))
        first = await receive(ws, 3)
    assert [e["type"] for e in first] == ["dataset_version.flagged", *["impact.flagged"] * 2]
    # While disconnected: more changes. Resuming after the last cursor replays exactly those.
    data(await gql(events_client, FLAG, {"ref": "customer-transactions:v1"}))
    data(await gql(events_client, FLAG, {"ref": "churn-features:v2"}))
    resumed_vars = {**variables, "after": first[-1]["cursor"]}
    async with subscription(events_server, resumed_vars) as ws:
        missed = await receive(ws, 3)  # v1 feeds nothing live: 1 + (1 + 1 churn-prod)
        data(await gql(events_client, FLAG, {"ref": "churn-features:v1"}))
        live = await receive(ws, 1)
        with pytest.raises(TimeoutError):  # nothing after it: no duplicates
            await asyncio.wait_for(ws.recv(), 0.5)
    cursors = [int(e["cursor"]) for e in first + missed + live]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    assert [e["type"] for e in missed] == [
        "dataset_version.flagged",
        "dataset_version.flagged",
        "impact.flagged",
    ]
    assert all(e["principal"] == "tester" for e in first + missed + live)


async def test_scope_filter_and_bad_cursor(
    events_server: LiveServer, events_client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await demo.load(db, settings)
    data(await gql(events_client, IMPACT))
    model = data(await gql(events_client, '{ registeredModel(name: "fraud-detector") { id } }'))
    scope = model["registeredModel"]["id"]
    async with subscription(
        events_server, {"after": "0", "scope": scope, "types": ["impact.flagged"]}
    ) as ws:
        data(await gql(events_client, FLAG, {"ref": "customer-transactions:v2"}))
        (only,) = await receive(ws, 1)
        await asyncio.sleep(0.5)
    assert only["payload"]["path"][-1] == only["entityId"]
    url = events_server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        bad = {"query": SUBSCRIBE, "variables": {"after": "x'; DROP"}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": bad}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] in ("error", "next"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    # Strawberry reports subscription errors without the ErrorCodes extension: check the text.
    assert "malformed event cursor" in errors[0]["message"], message
