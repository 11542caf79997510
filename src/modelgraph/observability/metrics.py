"""Prometheus metrics (official prometheus-client) and the ``GET /metrics`` endpoint.

Under several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory shared by
the workers): each process then writes its samples there and ``/metrics`` aggregates them all.
"""

from __future__ import annotations

import os

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
ENTITIES = Gauge(
    "modelgraph_entities",
    "Registry nodes per kind and state (refreshed in the background).",
    ["kind", "state"],
    multiprocess_mode="max",
)


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
