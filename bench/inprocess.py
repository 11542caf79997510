"""CPU time per request in-process: each workload through the real schema and the
service's JSON encoder, with Neo4j round trips counted; optionally a cProfile of one workload.

On a shared machine wall-clock latency is noise; the CPU this process spends per request (parse,
validate, resolvers, driver decoding, encoding) is not. Compare before/after in one run.

    MODELGRAPH_BENCH_NEO4J_URI=bolt://127.0.0.1:7687 python -m bench.inprocess --size small \
        --requests 200 [--no-load] [--cprofile trace]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from typing import Any

from bench.loader import load, units_for
from bench.service import neo4j_target
from bench.workloads import ALL, Workload
from modelgraph.app import ModelGraphGraphQL
from modelgraph.graphql.context import Context
from modelgraph.graphql.schema import schema
from modelgraph.settings import Settings
from modelgraph.store import admin, migrations
from modelgraph.store.db import Database, make_driver


async def _one(
    db: Database, settings: Settings, encoder: ModelGraphGraphQL, w: Workload, variables: Any
) -> tuple[list[str], int]:
    """One request; returns (the queries it sent, answer bytes)."""
    before = len(db.round_trips.names)
    result = await schema.execute(
        w.text, variable_values=variables, context_value=Context(db=db, settings=settings)
    )
    if result.errors:
        raise RuntimeError(f"{w.name}: {result.errors[0].message}")
    body = encoder.encode_json({"data": result.data})
    return db.round_trips.names[before:], len(body)


async def measure(
    db: Database, settings: Settings, w: Workload, handles: Any, requests: int
) -> dict[str, Any]:
    """CPU ms and wall ms per request (p50), round trips (and which queries) and answer size."""
    encoder = ModelGraphGraphQL(schema, max_response_bytes=settings.max_response_bytes)
    base = 500_000 if w.write else 0  # write workloads need unused names
    for i in range(5):
        await _one(db, settings, encoder, w, w.variables(handles, base + 1_000 + i))
    cpu: list[float] = []
    wall: list[float] = []
    trips: list[str] = []
    size = 0
    for i in range(requests):
        c0, w0 = time.process_time(), time.perf_counter()
        trips, size = await _one(db, settings, encoder, w, w.variables(handles, base + i))
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return {
        "workload": w.name,
        "cpu_ms_mean": round(statistics.fmean(cpu), 3),
        "cpu_ms_p50": round(statistics.median(cpu), 3),
        "wall_ms_p50": round(statistics.median(wall), 3),
        "round_trips": len(trips),
        "statements": trips,
        "answer_bytes": size,
    }


async def main_async(args: argparse.Namespace) -> int:
    with neo4j_target() as target:
        settings = Settings(neo4j_uri=target.uri, _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database)
        try:
            await migrations.migrate(db)
            if not args.no_load:
                await admin.clear_graph(db)
            report = await load(db, units_for(args.size), args.seed, progress=False)
            handles = report.handles
            out = []
            for w in ALL:
                if args.only and w.name not in args.only:
                    continue  # writes (last in ALL) get fresh variables per request, as in run.py
                out.append(await measure(db, settings, w, handles, args.requests))
                print(json.dumps(out[-1]), file=sys.stderr)
            if args.cprofile:
                w = next(w for w in ALL if w.name == args.cprofile)
                prof = cProfile.Profile()
                prof.enable()
                await measure(db, settings, w, handles, args.requests)
                prof.disable()
                text = io.StringIO()
                pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(args.top)
                print(text.getvalue(), file=sys.stderr)
        finally:
            await driver.close()
    print(json.dumps({"load_average": os.getloadavg(), "workloads": out}, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench.inprocess``."""
    parser = argparse.ArgumentParser(prog="bench.inprocess", description=__doc__)
    parser.add_argument("--size", default="small", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", nargs="*")
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="keep the graph: the same seed re-merges it unchanged",
    )
    parser.add_argument("--cprofile", help="workload to profile with cProfile (by own time)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
