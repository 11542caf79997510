"""/metrics parses with Prometheus' own parser and moves with requests; the JSON access log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from neo4j import AsyncManagedTransaction
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from modelgraph.observability import metrics, refresh
from modelgraph.settings import Settings
from modelgraph.store.cypher import query
from modelgraph.store.db import Database
from tests.conftest import gql, one_connection

REST = "/api/model_registry/v1alpha3"
PING = query("health/ping")


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


async def test_counters_move_with_graphql_and_rest_requests(
    client: httpx.AsyncClient, db: Database
) -> None:
    before = await scrape(client)
    for _ in range(3):
        assert (await gql(client, "{ serverVersion }"))["data"]
    missing = await gql(client, '{ registeredModel(name: "nope") { id } }')
    rest = await client.get(f"{REST}/registered_models/999999")
    assert rest.status_code == 404
    after = await scrape(client)

    def moved(k: tuple[str, frozenset[tuple[str, str]]]) -> float:
        return after.get(k, 0.0) - before.get(k, 0.0)

    ok = key(
        "modelgraph_requests_total", face="graphql", operation="query serverVersion", status="200"
    )
    assert moved(ok) == 3
    count = key(
        "modelgraph_request_duration_seconds_count", face="graphql", operation="query serverVersion"
    )
    assert moved(count) == 3
    if missing.get("errors"):
        assert moved(key("modelgraph_errors_total", face="graphql", code="NOT_FOUND")) == 1
    route = f"{REST}/registered_models/{{registered_model_id}}"
    rest_key = key("modelgraph_requests_total", face="rest", operation=route, status="404")
    assert moved(rest_key) == 1, [k for k in after if k[0] == "modelgraph_requests_total"]
    assert moved(key("modelgraph_errors_total", face="rest", code="HTTP_404")) == 1
    assert moved(key("modelgraph_neo4j_round_trips_count", face="graphql")) == 4


async def test_entity_gauges_are_refreshed_from_the_graph(
    client: httpx.AsyncClient, db: Database
) -> None:
    made = await gql(client, 'mutation { createRegisteredModel(input: {name: "gauged"}) { id } }')
    assert "errors" not in made, made
    await refresh.refresh_entity_counts(db)
    samples = await scrape(client)
    assert samples[key("modelgraph_entities", kind="RegisteredModel", state="LIVE")] == 1


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        from modelgraph.observability.access import JsonFormatter

        self.lines.append(json.loads(JsonFormatter().format(record)))


@pytest.fixture
def access_lines() -> Iterator[list[dict[str, object]]]:
    handler = Capture()
    logger = logging.getLogger("modelgraph.access")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


async def test_one_json_line_per_request_with_a_propagated_request_id(
    client: httpx.AsyncClient, db: Database, access_lines: list[dict[str, object]]
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query Listing { registeredModels(first: 5) { totalCount } }"},
        headers={"x-request-id": "req-42.a", "x-modelgraph-user": "alice"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-42.a"
    generated = await client.get("/healthz", headers={"x-request-id": "bad id\twith tab"})
    assert len(generated.headers["x-request-id"]) == 32  # an unusable id is replaced
    mine = [line for line in access_lines if line["requestId"] == "req-42.a"]
    assert len(mine) == 1
    line = mine[0]
    assert line["principal"] == "alice"
    assert line["operation"] == "query registeredModels"
    assert line["operationName"] == "Listing"
    assert line["status"] == 200
    assert isinstance(line["neo4jRoundTrips"], int) and line["neo4jRoundTrips"] >= 1
    assert isinstance(line["durationMs"], float) and line["durationMs"] > 0
    # The line is written after the answer is sent: give the server thread a moment.
    wanted = generated.headers["x-request-id"]
    for _ in range(100):
        health = [x for x in access_lines if x["requestId"] == wanted]
        if health:
            break
        await asyncio.sleep(0.02)
    assert health, access_lines
    assert health[0]["neo4jRoundTrips"] == 0 and health[0]["principal"] == "anonymous"


async def test_lineage_walks_are_timed_and_counted(client: httpx.AsyncClient, db: Database) -> None:
    data = await gql(client, 'mutation { createDataset(input: {name: "walk-data"}) { id } }')
    dataset = data["data"]["createDataset"]["id"]  # type: ignore[index]
    version = await gql(
        client,
        'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }',
        {"d": dataset},
    )
    assert "errors" not in version, version
    made = await gql(
        client,
        """mutation($dv: ID!) { registerModel(input: {modelName: "walked", versionName: "v1",
             training: {datasets: [{id: $dv}]}}) { version { id } } }""",
        {"dv": version["data"]["createDatasetVersion"]["id"]},  # type: ignore[index]
    )
    assert "errors" not in made, made
    before = await scrape(client)
    answer = await gql(client, '{ trace(ref: "walked:v1") { nodes { id } } }')
    assert "errors" not in answer, answer
    after = await scrape(client)
    returned = len(answer["data"]["trace"]["nodes"]) + 1  # type: ignore[index]  # and the root
    assert returned >= 3  # the version, its run, the dataset version

    def moved(name: str) -> float:
        k = key(name, direction="UPSTREAM")
        return after.get(k, 0.0) - before.get(k, 0.0)

    assert moved("modelgraph_lineage_walk_duration_seconds_count") == 1
    assert moved("modelgraph_lineage_walk_duration_seconds_sum") > 0
    assert moved("modelgraph_lineage_walk_nodes_count") == 1
    assert moved("modelgraph_lineage_walk_nodes_sum") == returned


def _sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return value or 0.0


async def _settled(name: str, **labels: str) -> float:
    """The lowest value over a second: the live server's readiness pings come and go."""
    lowest = _sample(name, **labels)
    for _ in range(20):
        await asyncio.sleep(0.05)
        lowest = min(lowest, _sample(name, **labels))
    return lowest


async def test_pool_gauges_see_sessions_in_use_and_the_wait_for_a_connection(
    settings: Settings, db: Database
) -> None:
    """A driver with one pooled connection: a second transaction waits for the first."""
    release = asyncio.Event()
    started = asyncio.Event()
    async with one_connection(settings, acquisition_timeout=60) as one:

        async def hold(tx: AsyncManagedTransaction) -> None:
            await one.fetch(tx, "health/ping", PING)
            started.set()
            await release.wait()

        async def quick(tx: AsyncManagedTransaction) -> None:
            await one.fetch(tx, "health/ping", PING)

        base = await _settled("modelgraph_neo4j_sessions_in_use", mode="read")
        waited = _sample("modelgraph_neo4j_acquisition_wait_seconds_sum", mode="read")
        holder = asyncio.create_task(one.read(hold))
        await started.wait()
        waiter = asyncio.create_task(one.read(quick))
        await asyncio.sleep(1.0)
        assert _sample("modelgraph_neo4j_sessions_in_use", mode="read") >= base + 2
        release.set()
        await asyncio.gather(holder, waiter)
        assert await _settled("modelgraph_neo4j_sessions_in_use", mode="read") <= base
        # The second transaction's start waited the second the first held the only connection.
        assert _sample("modelgraph_neo4j_acquisition_wait_seconds_sum", mode="read") - waited >= 0.9


async def test_event_loop_lag_is_observed_when_the_loop_is_blocked() -> None:
    before = _sample("modelgraph_event_loop_lag_seconds_sum")
    watcher = asyncio.create_task(metrics.watch_loop_lag(0.01))
    await asyncio.sleep(0.05)
    time.sleep(0.3)  # noqa: ASYNC251 -- blocking the loop is the point: the timer fires late
    await asyncio.sleep(0.05)
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    assert _sample("modelgraph_event_loop_lag_seconds_sum") - before >= 0.25
