"""No change without its event, no event without its change: SIGKILL Neo4j during writes.

Runs on a private Neo4j started with the launcher (the session's shared server is never killed).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from modelgraph.neo4j_local import launcher
from tests.conftest import LiveServer, gql
from tests.integration.test_local_service import PrivateNeo4j, _wait_for, private_neo4j

pytestmark = pytest.mark.slow
__all__ = ["private_neo4j"]

CREATE = """mutation($name: String!) {
  createRegisteredModel(input: {name: $name, owner: "team-crash"}) { id } }"""
MODELS = """{ registeredModels(first: 100, filter: {field: OWNER, op: EQ, value: "team-crash"}) {
  totalCount nodes { id name } } }"""
EVENTS = """query($after: String) {
  events(after: $after, types: ["registered_model.created"], first: 1000) {
    cursor entityId payload } }"""


async def _writer(
    http: httpx.AsyncClient, prefix: str, acked: dict[str, str], killed: asyncio.Event
) -> None:
    number = 0
    while not killed.is_set():  # the write in flight when Neo4j dies is the interesting one
        number += 1
        name = f"{prefix}-{number:04d}"
        try:
            body = await gql(http, CREATE, {"name": name})
        except (httpx.HTTPError, AssertionError):
            continue
        data: Any = body.get("data")
        if not body.get("errors") and data and data.get("createRegisteredModel"):
            acked[name] = data["createRegisteredModel"]["id"]


async def _read(http: httpx.AsyncClient, query: str) -> dict[str, Any]:
    """A read after the restart; the pool may still hand out a dead connection once or twice."""
    for _ in range(20):
        body = await gql(http, query)
        if not body.get("errors") and isinstance(body.get("data"), dict):
            data: dict[str, Any] = body["data"]
            return data
        await asyncio.sleep(1)
    raise AssertionError(f"reads keep failing after the restart: {body}")


@pytest.mark.timeout(900)
async def test_sigkill_during_writes_keeps_changes_and_events_in_step(
    private_neo4j: PrivateNeo4j, tmp_path: Path
) -> None:
    await asyncio.to_thread(private_neo4j.migrate)
    settings = private_neo4j.settings(tmp_path).model_copy(update={"webhook_worker": False})
    acked: dict[str, str] = {}
    with LiveServer(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await _wait_for(http, "/readyz", 200, within=30)
            killed = asyncio.Event()
            writers = [
                asyncio.create_task(_writer(http, f"crash-{w}", acked, killed)) for w in range(4)
            ]
            while len(acked) < 20:  # noqa: ASYNC110 -- kill while writes are in flight
                await asyncio.sleep(0.05)
            await asyncio.to_thread(launcher.kill_hard, private_neo4j.home)
            killed.set()
            await asyncio.gather(*writers)
            await asyncio.to_thread(private_neo4j.start)
            await _wait_for(http, "/readyz", 200, within=120)
            models = await _read(http, MODELS)
            events = await _read(http, EVENTS)
    assert models["registeredModels"]["totalCount"] <= 100  # one page holds them all
    stored = {n["id"]: n["name"] for n in models["registeredModels"]["nodes"]}
    evented = {e["entityId"]: e["payload"]["name"] for e in events["events"]}
    assert len(acked) >= 20
    assert set(acked.values()) <= set(stored)  # acknowledged writes survived the kill
    assert stored == evented  # every change has its event and every event its change
    cursors = [int(e["cursor"]) for e in events["events"]]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
