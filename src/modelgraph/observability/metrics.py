"""Prometheus metrics (official prometheus-client) and the ``GET /metrics`` endpoint.

Under several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory shared by
the workers): each process then writes its samples there and ``/metrics`` aggregates them all.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Sized
from typing import Protocol, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "modelgraph_requests_total",
    "HTTP requests by face (graphql, rest, service), operation (root fields or route) and status.",
    ["face", "operation", "status"],
)
REQUEST_SECONDS = Histogram(
    "modelgraph_request_duration_seconds",
    "Request latency by face and operation.",
    ["face", "operation"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "modelgraph_errors_total",
    "Errors returned to clients by face and code (GraphQL extensions.code, REST code, HTTP 5xx).",
    ["face", "code"],
)
ROUND_TRIPS = Histogram(
    "modelgraph_neo4j_round_trips",
    "Neo4j queries sent per request.",
    ["face"],
    buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100),
)
WEBHOOK_DELIVERIES = Counter(
    "modelgraph_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, retry, dead).",
    ["outcome"],
)
WEBHOOK_SECONDS = Histogram(
    "modelgraph_webhook_delivery_duration_seconds",
    "Latency of webhook delivery attempts.",
    buckets=LATENCY_BUCKETS,
)
WEBHOOK_QUEUE = Gauge(
    "modelgraph_webhook_queue_depth",
    "Webhook deliveries pending (not delivered, not dead-lettered).",
    multiprocess_mode="max",
)
EVENTS_DISPATCHED = Counter(
    "modelgraph_events_dispatched_total", "Outbox events fanned out to webhooks."
)
SUBSCRIPTION_EVENTS = Counter(
    "modelgraph_subscription_events_total", "Events sent to GraphQL subscribers."
)
OPENLINEAGE_EVENTS = Counter(
    "modelgraph_openlineage_events_total",
    "OpenLineage events received, by outcome (ingested, duplicate, invalid, refused, failed).",
    ["outcome"],
)
OPENLINEAGE_CHUNKS = Counter(
    "modelgraph_openlineage_chunks_total",
    "OpenLineage batch chunks, by outcome: written (one transaction) or split (an event was "
    "refused or conflicted, so the chunk was rolled back and its events written one by one).",
    ["outcome"],
)
IDEMPOTENCY_KEYS_PRUNED = Counter(
    "modelgraph_idempotency_keys_pruned_total",
    "Expired Idempotency-Key records deleted by the background pruner.",
)
ENTITIES = Gauge(
    "modelgraph_entities",
    "Registry nodes per kind and state (refreshed in the background).",
    ["kind", "state"],
    multiprocess_mode="max",
)

NEO4J_SESSIONS_IN_USE = Gauge(
    "modelgraph_neo4j_sessions_in_use",
    "Neo4j sessions open at the store boundary (each holds a pooled connection while it runs).",
    ["mode"],
    multiprocess_mode="livesum",
)
NEO4J_ACQUIRE_SECONDS = Histogram(
    "modelgraph_neo4j_acquisition_wait_seconds",
    "From asking for a transaction to its first statement: pool acquisition (or a new "
    "connection) and BEGIN. The driver exposes no pool statistics, so this is measured here.",
    ["mode"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
WRITE_QUEUE_SECONDS = Histogram(
    "modelgraph_neo4j_write_queue_seconds",
    "How long a write transaction waited for this process's writers' turn (FIFO, before it "
    "takes a connection): the queue in front of every write.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
WRITE_TURN_SECONDS = Histogram(
    "modelgraph_neo4j_write_turn_seconds",
    "How long a write transaction held the writers' turn (events/write_gate), from taking it to "
    "the end of its statements: every other write waits behind this.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
EVENT_LOOP_LAG_SECONDS = Histogram(
    "modelgraph_event_loop_lag_seconds",
    "How late a short timer fires on the service's event loop: the wait every awaiting request "
    "(and every statement of an open write transaction) adds when the loop is busy.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
LINEAGE_WALK_SECONDS = Histogram(
    "modelgraph_lineage_walk_duration_seconds",
    "Lineage walks (trace, impact, lineage) at the store boundary, by direction.",
    ["direction"],
    buckets=LATENCY_BUCKETS,
)
LINEAGE_WALK_NODES = Histogram(
    "modelgraph_lineage_walk_nodes",
    "Nodes a lineage walk returned (its root included), by direction.",
    ["direction"],
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
)


class _Walk(Protocol):
    @property
    def items(self) -> Sized: ...


W = TypeVar("W", bound=_Walk)


async def observe_walk(direction: str, walk: Awaitable[W]) -> W:
    """Await one lineage walk and record its latency and node count (the one call per walk)."""
    began = time.perf_counter()
    graph = await walk
    LINEAGE_WALK_SECONDS.labels(direction).observe(time.perf_counter() - began)
    LINEAGE_WALK_NODES.labels(direction).observe(len(graph.items) + 1)
    return graph


LOOP_LAG_PERIOD_S = 0.05


async def watch_loop_lag(period: float = LOOP_LAG_PERIOD_S) -> None:
    """Observe, forever, how much later than asked a ``period`` sleep wakes up."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(period)
        EVENT_LOOP_LAG_SECONDS.observe(max(0.0, time.perf_counter() - asked - period))


def registry() -> CollectorRegistry:
    """This process's registry, or an aggregate of every worker's in multi-process mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return merged
    return REGISTRY


async def metrics_endpoint(_: Request) -> Response:
    """``GET /metrics`` in the Prometheus text format."""
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)
