"""Events bench (not a test): webhook fan-out without loss, and the outbox's cost on registerModel.

    .venv/bin/python -m bench.events_bench --webhooks 50 --rate 100 --seconds 10

Uses MODELGRAPH_BENCH_NEO4J_URI or starts a local Neo4j of its own; writes
bench/results/events.json and events.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock

from pydantic import SecretStr

from bench.service import free_port, neo4j_target
from modelgraph.domain.principal import Principal
from modelgraph.settings import Settings
from modelgraph.store import admin, entities, events, migrations, models
from modelgraph.store.db import Database, make_driver
from modelgraph.webhooks import service as webhook_service
from modelgraph.webhooks.worker import DeliveryWorker

RESULTS = Path(__file__).resolve().parent / "results"
ACTOR = Principal("bench")


class Sink:
    """A loopback receiver counting distinct (webhook path, message id) pairs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.seen: set[tuple[str, str]] = set()
        self.requests = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                with lock:
                    outer.requests += 1
                    outer.seen.add((self.path, self.headers["webhook-id"]))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def _p50(work: Callable[[int], Awaitable[object]], n: int, offset: int) -> list[float]:
    times = []
    for i in range(n):
        began = time.perf_counter()
        await work(offset + i)
        times.append((time.perf_counter() - began) * 1000)
    return times


async def register_cost(db: Database, rounds: int, per_round: int) -> dict[str, Any]:
    """registerModel p50 with the outbox writes and without them, interleaved rounds."""

    async def register(i: int) -> object:
        reg = models.Registration(model_name=f"bench-cost-{i}", version_name="v1")
        return await models.register_model(db, reg, actor=ACTOR)

    async def no_event(*_: object, **__: object) -> int:
        return 0

    # The one creator and the one updater append their events in their own statement
    # (fragment events/_append): the same statements with the fragment switched off write none.
    append = "WITH appended WHERE size(appended) > 0"
    silent = {
        name: getattr(entities, name).replace(append, "WITH appended WHERE size(appended) < 0")
        for name in ("_CREATE", "_UPDATE")
    }
    for name, text in silent.items():
        assert text != getattr(entities, name), f"entities.{name} no longer uses events/_append"
    with_events: list[float] = []
    without: list[float] = []
    await _p50(register, 20, 10_000_000)  # warm the plans
    for r in range(rounds):
        with_events += await _p50(register, per_round, r * 2 * per_round)
        with (
            mock.patch.object(events, "record", no_event),
            mock.patch.object(entities, "_CREATE", silent["_CREATE"]),
            mock.patch.object(entities, "_UPDATE", silent["_UPDATE"]),
        ):
            without += await _p50(register, per_round, (r * 2 + 1) * per_round)
    a, b = statistics.median(with_events), statistics.median(without)
    return {
        "samples_each": len(with_events),
        "p50_with_events_ms": round(a, 2),
        "p50_without_events_ms": round(b, 2),
        "overhead_pct": round((a - b) / b * 100, 1),
        "target_pct": 10,
    }


async def fan_out(
    db: Database, settings: Settings, webhooks: int, rate: float, seconds: float, in_flight: int
) -> dict[str, Any]:
    """``rate`` changes/s for ``seconds`` to ``webhooks`` webhooks; every delivery accounted."""
    sink = Sink()
    for w in range(webhooks):
        await webhook_service.register(
            db,
            settings,
            ACTOR,
            url=f"http://127.0.0.1:{sink.port}/h{w}",
            event_types=["registered_model.created"],
        )
    changes = int(rate * seconds)
    began = time.perf_counter()
    async with DeliveryWorker(db, settings) as worker:
        stop = asyncio.Event()

        async def deliver() -> None:
            while not stop.is_set():
                if await worker.run_once() == 0:
                    await asyncio.sleep(0.05)

        runner = asyncio.create_task(deliver())
        # Changes are sent on schedule, not one after the other: each registration starts at
        # its due time (at most `in_flight` at once, as a pool of clients would), so the rate
        # measures what the service accepts while it delivers, not one client's round trip.
        gate = asyncio.Semaphore(in_flight)
        latencies: list[float] = []

        async def change(i: int) -> None:
            await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
            async with gate:
                start = time.perf_counter()
                reg = models.Registration(model_name=f"bench-fan-{i}", version_name="v1")
                await models.register_model(db, reg, actor=ACTOR)
                latencies.append((time.perf_counter() - start) * 1000)

        await asyncio.gather(*(change(i) for i in range(changes)))
        produced = time.perf_counter() - began
        expected = changes * webhooks
        deadline = time.perf_counter() + 600
        while len(sink.seen) < expected and time.perf_counter() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        stop.set()
        await runner
    drained = time.perf_counter() - began
    sink.server.shutdown()
    return {
        "webhooks": webhooks,
        "changes": changes,
        "target_rate_per_s": rate,
        "achieved_change_rate_per_s": round(changes / produced, 1),
        "in_flight": in_flight,
        "change_ms_p50": round(statistics.median(latencies), 1),
        "change_ms_p95": round(statistics.quantiles(latencies, n=20)[18], 1),
        "expected_deliveries": expected,
        "delivered_distinct": len(sink.seen),
        "http_requests": sink.requests,
        "lost": expected - len(sink.seen),
        "seconds_until_all_delivered": round(drained, 1),
        "deliveries_per_s": round(len(sink.seen) / drained, 1),
    }


async def main(args: argparse.Namespace) -> None:
    load_start = [round(x, 1) for x in os.getloadavg()]
    with neo4j_target() as target:
        settings = Settings(
            neo4j_uri=target.uri,
            neo4j_password=SecretStr(""),
            webhook_allow="127.0.0.1/32",
            _env_file=None,
        )
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database)
        try:
            await migrations.migrate(db)
            await admin.clear_graph(db)
            cost = await register_cost(db, args.rounds, args.per_round)
            await admin.clear_graph(db)
            fan = await fan_out(
                db, settings, args.webhooks, args.rate, args.seconds, args.in_flight
            )
        finally:
            await driver.close()
    load_end = [round(x, 1) for x in os.getloadavg()]
    result = {"register_model": cost, "fan_out": fan, "args": vars(args)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "events.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Events bench",
        "",
        "`python -m bench.events_bench "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items())
        + f"` — load average at start {load_start}, at end {load_end}",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| registerModel {k} | {v} |" for k, v in cost.items()),
        *(f"| fan-out {k} | {v} |" for k, v in fan.items()),
        "",
    ]
    (RESULTS / "events.md").write_text("\n".join(lines))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webhooks", type=int, default=50)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--in-flight", type=int, default=16, help="concurrent changes at most")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=40)
    asyncio.run(main(parser.parse_args()))
