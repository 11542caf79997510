"""``make bench SIZE=...``: load a synthetic lineage graph, measure the service against the raw
database and the peers (MLflow, ML Metadata), soak for memory, profile the slowest workload.

Writes ``bench/results/<size>.json`` and ``bench/results/<size>.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from typing import Any

import httpx
import psutil
from neo4j import AsyncManagedTransaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bench import floor, measure, offline_import, peers, report
from bench.generator import Generator
from bench.loader import Handles, LoadReport, graph_counts, load, units_for
from bench.service import BENCH_DIR, STATE_DIR, Service, neo4j_target
from bench.workloads import ALL, IMPACT_FULL, TRACE, Workload
from modelgraph.domain.graph import Label, Rel
from modelgraph.neo4j_local.config import ENV_HEAP, ENV_PAGECACHE, HEAP_MAX, PAGECACHE
from modelgraph.settings import Settings
from modelgraph.store import admin, bulk, migrations
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, make_driver

SERVER_VERSION = query("bench/server_version")
STUCK = query("bench/stuck_transactions")
TERMINATE = query("bench/terminate_transactions")
REQUEST_TIMEOUT_S = 30
MAX_ERRORS = 5
RESULTS = BENCH_DIR / "results"
INTROSPECT = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"
PROFILE_REQUESTS = 100
SOAK_MIX = ("trace", "impact_live", "model_list", "ui_model_read")
CLIFF_NODES = 10_000  # new nodes loaded before the first trace/impact is timed
NODES_PER_UNIT = 195  # generator average (bench/README.md sizes), to size the cliff load
REPLAN_WAIT_S = 11  # Neo4j's cypher.min_replan_interval (10 s) has passed after this
CLIFF_SEED_OFFSET = 1_000  # a seed whose ids are disjoint from the measured graph's
# MLflow's load takes hours at large: it runs at medium (and below) only.
PEERS_BY_SIZE = {"large": ("mlmd",)}

console = Console(stderr=True)


MEMORY = {
    "medium": {ENV_PAGECACHE: "1g", ENV_HEAP: "2g"},
    "large": {ENV_PAGECACHE: "4g", ENV_HEAP: "2g"},
}


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on (load average says how busy the machine was)."""
    return {
        "cpu_count": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


async def neo4j_version(db: Database) -> str:
    """``Neo4j Kernel 5.26.x community``."""

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await db.fetch(tx, "bench/server_version", SERVER_VERSION)

    rows = await db.read(work)
    return " ".join(f"{r['name']} {r['version']} {r['edition']}" for r in rows)


async def reap_runaway(db: Database, older_than_s: int = REQUEST_TIMEOUT_S) -> int:
    """Terminate the bench service's queries running longer than ``older_than_s``."""
    async with db.driver.session(database=db.database) as session:
        rows = [r.data() async for r in await session.run(STUCK, seconds=older_than_s)]
        if not rows:
            return 0
        ids = [r["id"] for r in rows]
        await (await session.run(TERMINATE, ids=ids)).consume()
    console.print(f"[red]terminated {len(rows)} runaway queries, e.g. {rows[0]['query'][:60]!r}")
    return len(rows)


async def root_fields(http: httpx.AsyncClient) -> set[str]:
    """``Query.x`` / ``Mutation.y`` names the running schema offers."""
    body = (await http.post("/graphql", json={"query": INTROSPECT})).json()["data"]["__schema"]
    names = {f"Query.{f['name']}" for f in body["queryType"]["fields"]}
    if body.get("mutationType"):
        names |= {f"Mutation.{f['name']}" for f in body["mutationType"]["fields"]}
    return names


async def gql(http: httpx.AsyncClient, w: Workload, handles: Handles, i: int) -> dict[str, Any]:
    """One request; raises on transport or GraphQL errors so they are counted."""
    response = await http.post(
        "/graphql",
        json={"query": w.text, "variables": w.variables(handles, i)},
        headers={"x-modelgraph-user": "bench"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(json.dumps(body.get("errors") or body)[:400])
    return body


async def measure_workload(
    w: Workload,
    http: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    handles: Handles,
    requests: int,
) -> dict[str, Any]:
    """Service and floor figures at concurrency 1 and 8, and the overhead ratios."""
    record: dict[str, Any] = {"workload": w.name, "description": w.description, "status": "ok"}
    # Writes use fresh variables per request: disjoint index ranges per phase.
    base = {1: 0, 8: 100_000} if w.write else {1: 0, 8: 0}
    floor_base = {1: 200_000, 8: 300_000} if w.write else {1: 0, 8: 0}
    try:
        await gql(http, w, handles, 900_001)  # a typical start (handle 0 is the deepest chain)
    except Exception as exc:
        reaped = await reap_runaway(db, 0)
        error = f"{type(exc).__name__}: {exc}"[:500]
        return {**record, "status": "failed", "error": error, "terminated_queries": reaped}

    async def call_service(i: int) -> None:
        await gql(http, w, handles, i)

    service: dict[str, Any] = {}
    for c in (1, 8):
        stats = await measure.run(
            call_service, requests, c, warmup=10, offset=base[c], max_errors=MAX_ERRORS
        )
        service[f"c{c}"] = stats.to_json()
        if stats.errors >= MAX_ERRORS:
            reaped = await reap_runaway(db, 0)
            error = f"stopped after {stats.errors} errors: {stats.first_error}"
            return {**record, "status": "failed", "error": error, "terminated_queries": reaped}
    record["service"] = service
    # The floor: record each request's queries in-process (untimed), then replay them timed.
    recorded: dict[int, floor.Recorded] = {}
    if w.write:
        # Every write needs its own fresh variables (unique names); warm-up calls come after.
        keys = [floor_base[c] + k for c in (1, 8) for k in range(requests + 10)]
    else:
        keys = list(range(min(requests + 10, 64)))
    unrecorded = 0
    for key in keys:
        try:
            recorded[key] = await floor.record(db, settings, w.text, w.variables(handles, key))
        except Exception:  # timed out in the database: that start has no floor figure
            unrecorded += 1
    if not recorded:
        return {**record, "status": "failed", "error": "no request could be recorded for the floor"}
    usable = sorted(recorded)

    def recorded_for(i: int) -> floor.Recorded:
        if w.write:
            return recorded[i] if i in recorded else recorded[usable[0]]
        return recorded[i % len(keys)] if i % len(keys) in recorded else recorded[usable[0]]

    async def call_floor(i: int) -> None:
        await floor.replay(db, recorded_for(i))

    raw: dict[str, Any] = {}
    for c in (1, 8):
        stats = await measure.run(call_floor, requests, c, warmup=10, offset=floor_base[c])
        raw[f"c{c}"] = stats.to_json()
    sample = recorded_for(floor_base[1])
    record["floor"] = raw
    record["queries_per_request"] = [name for name, _ in sample.calls]
    record["floor_starts_timed_out"] = unrecorded
    record["overhead"] = {
        f"c{c}": _ratio(service[f"c{c}"]["p50_ms"], raw[f"c{c}"]["p50_ms"]) for c in (1, 8)
    }
    return record


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b and b == b and a == a else None


async def soak(
    http: httpx.AsyncClient, pid: int, workloads: list[Workload], handles: Handles, total: int
) -> dict[str, Any]:
    """RSS of the service process over ``total`` mixed read requests (8 concurrent)."""
    proc = psutil.Process(pid)
    samples: list[int] = [proc.memory_info().rss]
    mix = [w for w in workloads if w.name in SOAK_MIX] or workloads[:1]
    step = max(1, total // 20)
    bar = Progress(TextColumn("[bold]soak"), BarColumn(), MofNCompleteColumn(), console=console)
    task = bar.add_task("soak", total=total)

    async def call(i: int) -> None:
        await gql(http, mix[i % len(mix)], handles, i)
        bar.advance(task)
        if i % step == 0:
            samples.append(proc.memory_info().rss)

    started = time.perf_counter()
    with bar:
        stats = await measure.run(call, total, 8, max_errors=MAX_ERRORS * 4)
    samples.append(proc.memory_info().rss)
    start, end, peak = samples[0], samples[-1], max(samples)
    # Warm-up growth (caches, pools) happens in the first slice; flatness is judged after it.
    warm = samples[min(2, len(samples) - 1)]
    return {
        "requests": total,
        "mix": [w.name for w in mix],
        "seconds": round(time.perf_counter() - started, 1),
        "errors": stats.errors,
        "throughput_rps": stats.throughput_rps,
        "rss_start_mb": round(start / 2**20, 1),
        "rss_after_warmup_mb": round(warm / 2**20, 1),
        "rss_end_mb": round(end / 2**20, 1),
        "rss_max_mb": round(peak / 2**20, 1),
        "growth_after_warmup_pct": round((end - warm) / warm * 100, 1),
        "samples_mb": [round(s / 2**20, 1) for s in samples],
    }


async def workers_scaling(
    uri: str, handles: Handles, counts: list[int], requests: int
) -> list[dict[str, Any]]:
    """trace through `modelgraph serve` at MODELGRAPH_WORKERS = each count: c1 p50, c8 req/s."""
    out = []
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
    for workers in counts:
        console.print(f"workers={workers}: trace at c1 and c8")
        with Service(uri, workers=workers) as svc:
            async with httpx.AsyncClient(
                base_url=svc.url, timeout=REQUEST_TIMEOUT_S, limits=limits
            ) as http:

                async def call(i: int) -> None:
                    await gql(http, TRACE, handles, i)

                await call(900_001)
                c1 = await measure.run(call, requests, 1, warmup=10, max_errors=MAX_ERRORS)
                c8 = await measure.run(call, requests * 2, 8, warmup=16, max_errors=MAX_ERRORS)
        out.append({"workers": workers, "c1": c1.to_json(), "c8": c8.to_json()})
        console.print(f"  workers={workers}: c1 p50 {c1.p50_ms} ms, c8 {c8.throughput_rps} req/s")
    return out


async def _load_new_nodes(db: Database, seed: int) -> int:
    """About CLIFF_NODES nodes of another seed through store/bulk.py; names that must be unique
    per kind get a prefix (ids already differ by seed). Returns the nodes written."""
    units = max(1, CLIFF_NODES // NODES_PER_UNIT)
    unique_names = {Label.REGISTERED_MODEL, Label.DATASET, Label.EXPERIMENT}
    unique_names.add(Label.SERVING_ENVIRONMENT)
    nodes: dict[Label, list[dict[str, Any]]] = {}
    edges: dict[Rel, list[dict[str, Any]]] = {}
    for unit in Generator(units, seed):
        for label, rows in unit.nodes.items():
            for row in rows:
                if label in unique_names:
                    row["name"] = f"cliff-{row['name']}"
            nodes.setdefault(label, []).extend(rows)
        for edge, rows in unit.edges.items():
            edges.setdefault(edge, []).extend(rows)
    written = sum([await bulk.load_nodes(db, label, rows) for label, rows in nodes.items()])
    for edge, rows in edges.items():
        await bulk.load_edges(db, edge, rows)
    return written


async def latency_cliff(
    http: httpx.AsyncClient,
    db: Database,
    handles: Handles,
    records: list[dict[str, Any]],
    seed: int,
) -> dict[str, Any]:
    """The first trace and impact after CLIFF_NODES new nodes (bulk, through the write path),
    and again once Neo4j's replan interval has passed, against their c1 p50."""
    started, nodes = time.perf_counter(), await _load_new_nodes(db, seed + CLIFF_SEED_OFFSET)
    rate = round(nodes / (time.perf_counter() - started), 1)
    p50 = {
        r["workload"]: r["service"]["c1"]["p50_ms"]
        for r in records
        if r.get("status") == "ok" and "service" in r
    }
    out: dict[str, Any] = {"new_nodes": nodes, "load_nodes_per_s": rate}
    for when in ("first", "after_replan_interval"):
        if when == "after_replan_interval":
            await asyncio.sleep(REPLAN_WAIT_S)
        for w in (TRACE, IMPACT_FULL):
            started = time.perf_counter()
            await gql(http, w, handles, 7)
            ms = (time.perf_counter() - started) * 1000
            base = p50.get(w.name)
            out[f"{w.name}_{when}_ms"] = round(ms, 1)
            out[f"{w.name}_{when}_vs_p50"] = _ratio(ms, base) if base else None
    console.print(f"cliff: {json.dumps(out)}")
    return out


async def profile_slowest(
    slowest: Workload, neo4j_uri: str, db: Database, settings: Settings, handles: Handles
) -> dict[str, Any]:
    """pyinstrument over the service process, and Neo4j PROFILE of the workload's Cypher."""
    out = STATE_DIR / f"profile-{slowest.name}.txt"
    error = None
    try:
        with Service(neo4j_uri, profile_to=out) as svc:
            async with httpx.AsyncClient(base_url=svc.url, timeout=60) as http:
                for i in range(PROFILE_REQUESTS):
                    await gql(http, slowest, handles, i)
    except Exception as exc:  # the profile is a reading aid; its failure must not sink the run
        error = f"{type(exc).__name__}: {exc}"[:300]
    text = out.read_text() if out.exists() else f"(no pyinstrument report: {error})"
    rec = await floor.record(db, settings, slowest.text, slowest.variables(handles, 0))
    plans = []
    for name, params in rec.calls:
        plans.append({"query": name, **await report.neo4j_profile(db, name, params)})
    return {"workload": slowest.name, "pyinstrument": report.trim_profile(text), "cypher": plans}


async def main_async(args: argparse.Namespace) -> int:
    size, units = args.size, units_for(args.size)
    RESULTS.mkdir(parents=True, exist_ok=True)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"size": size, "units": units, "seed": args.seed}
    # A bench-started Neo4j gets a page cache that holds the generated store (2 GB at large with
    # the outbox events), as Neo4j's sizing rule says; the launcher's default (256m) suits the demo.
    for env, value in MEMORY.get(size, {}).items():
        os.environ.setdefault(env, value)
    results["machine"] = machine_info()
    results["machine"]["neo4j_memory"] = {
        "pagecache": os.environ.get(ENV_PAGECACHE, PAGECACHE),
        "heap": os.environ.get(ENV_HEAP, HEAP_MAX),
    }
    started = time.time()
    stem = f"{size}-{args.tag}" if args.tag else size

    def save(final: bool = False) -> None:
        # Written after every part, so a part that crashes keeps the figures measured before it.
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["wall_seconds"] = round(time.time() - started, 1)
        results["complete"] = final
        results["targets"] = report.targets(results)
        (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / f"{stem}.md").write_text(report.markdown(results))

    with neo4j_target() as target:
        settings = Settings(neo4j_uri=target.uri, _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database)
        try:
            await migrations.migrate(db)
            results["machine"]["neo4j"] = await neo4j_version(db)
            results["machine"]["neo4j_uri"] = target.uri
            console.rule(f"[bold]ModelGraph bench · {size} ({units} units)")
            await admin.clear_graph(db)
            dump = STATE_DIR / f"{size}-graph.jsonl"
            loaded: LoadReport = await load(db, units, args.seed, dump_path=dump)
            results["load"] = loaded.to_json()
            nodes, edges = await graph_counts(db)
            if nodes != loaded.by_label or edges != loaded.by_edge:
                raise RuntimeError(f"graph holds {nodes} {edges}; the generator reported otherwise")
            console.print(
                f"loaded {loaded.nodes:,} nodes ({loaded.nodes_per_s:,.0f}/s), "
                f"{loaded.edges:,} relationships ({loaded.edges_per_s:,.0f}/s)"
            )
            handles = loaded.handles
            records, available = await _service_phase(args, target.uri, db, settings, handles)
            results["workloads"] = [r for r in records if r["workload"] != "latency_cliff"]
            results["latency_cliff"] = next(
                (r for r in records if r["workload"] == "latency_cliff"), None
            )
            save()
            if args.workers:
                results["workers_scaling"] = await workers_scaling(
                    target.uri, handles, args.workers, args.requests
                )
                save()
            if not args.skip_peers:
                chosen = args.peers or PEERS_BY_SIZE.get(size, tuple(peers.PEERS))
                results["peers"] = peers.run_all(
                    dump, asdict(handles), args.peer_requests, STATE_DIR / size, console, chosen
                )
                results["peer_ratios"] = report.peer_ratios(records, results["peers"])
                save()
            if not args.skip_profile:
                slowest = report.slowest(records, available)
                if slowest is not None:
                    console.print(f"profiling {slowest.name}")
                    results["profile"] = await profile_slowest(
                        slowest, target.uri, db, settings, handles
                    )
        finally:
            await driver.close()
    save()
    if not args.skip_offline_import:
        console.print("offline import: CSV + neo4j-admin database import full (own home)")
        try:
            results["offline_import"] = await offline_import.run_async(units, args.seed)
            console.print(f"offline import: {results['offline_import']['nodes_per_s']:,} nodes/s")
        except Exception as exc:  # recorded: the figures measured before it stay written
            results["offline_import"] = {"status": "failed", "error": repr(exc)[:2000]}
            console.print(f"[red]offline import failed: {exc!r}")
    save(final=True)
    console.print(f"wrote {RESULTS / f'{stem}.json'} and {RESULTS / f'{stem}.md'}")
    return 0


async def _service_phase(
    args: argparse.Namespace, uri: str, db: Database, settings: Settings, handles: Handles
) -> tuple[list[dict[str, Any]], list[Workload]]:
    records: list[dict[str, Any]] = []
    with Service(uri) as svc:
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
        timeout = httpx.Timeout(REQUEST_TIMEOUT_S)
        async with httpx.AsyncClient(base_url=svc.url, timeout=timeout, limits=limits) as http:
            fields = await root_fields(http)
            available: list[Workload] = []
            chosen = [w for w in ALL if not args.only or w.name in args.only]
            # Reads, then the soak, then writes: writes change what the reads walk.
            for w in [w for w in chosen if not w.write]:
                await _one(w, args, http, db, settings, handles, fields, records, available)
            if not args.skip_cliff and {TRACE, IMPACT_FULL} <= set(available):
                cliff = await latency_cliff(http, db, handles, records, args.seed)
                records.append({"workload": "latency_cliff", "status": "ok", **cliff})
            if not args.skip_soak and available:
                console.print(f"memory soak: {args.soak_requests:,} requests")
                soak_result = await soak(http, svc.pid, available, handles, args.soak_requests)
                records.append({"workload": "memory_soak", "status": "ok", **soak_result})
            for w in [w for w in chosen if w.write]:
                await _one(w, args, http, db, settings, handles, fields, records, available)
    return records, available


async def _one(
    w: Workload,
    args: argparse.Namespace,
    http: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    handles: Handles,
    fields: set[str],
    records: list[dict[str, Any]],
    available: list[Workload],
) -> None:
    missing = [n for n in w.needs if n not in fields]
    if missing:
        records.append({"workload": w.name, "status": "skipped", "missing": missing})
        console.print(f"[yellow]skip {w.name}: schema lacks {', '.join(missing)}")
        return
    console.print(f"measuring {w.name}")
    rec = await measure_workload(w, http, db, settings, handles, args.requests)
    # Requests the client gave up on may still run in Neo4j: end them before the next workload.
    rec["terminated_queries"] = rec.get("terminated_queries", 0) + await reap_runaway(db)
    records.append(rec)
    if rec["status"] == "ok":
        available.append(w)
        console.print(report.one_line(rec))
    else:
        console.print(f"[red]{w.name} failed: {rec.get('error')}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bench.run``."""
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    parser.add_argument("--size", default="small", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=200, help="per workload and concurrency")
    parser.add_argument("--peer-requests", type=int, default=50)
    parser.add_argument(
        "--soak-requests", type=int, default=100_000, help="length of the c8 memory soak"
    )
    parser.add_argument("--only", nargs="*", help="workload names to run (default: all)")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--skip-profile", action="store_true")
    parser.add_argument("--skip-cliff", action="store_true", help="no first-request-after-writes")
    parser.add_argument("--skip-offline-import", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="*",
        default=[1, 2, 4],
        help="MODELGRAPH_WORKERS counts for the trace scaling run (none: skip it)",
    )
    parser.add_argument(
        "--peers", nargs="*", choices=sorted(peers.PEERS), help="default: mlmd at large, both below"
    )
    parser.add_argument("--tag", help="suffix of the result files (<size>-<tag>.json)")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
