"""``make chaos``: SIGKILL Neo4j and the service while multi-node writes are in flight, then a
soak at c32 with Neo4j restarted; count lost acknowledged writes, half-written graphs and what
the clients saw.

Starts its own Neo4j with the project's launcher (``bench/.state/chaos-home``, free port, a
random password) and the real service under uvicorn (bench/service.py). Writers run
``registerModel`` (model + version + artifact + training run consuming a dataset version),
``logExecution`` (run + inputs + a new output version) and ``deploy`` (deployment + HOSTS +
DEPLOYED_AS) over GraphQL, and model / version / artifact creation over Kubeflow REST. Every
acknowledged write is checked at the end; every attempted one must be all-or-nothing.

Results: ``bench/results/chaos.json`` and ``bench/results/chaos.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from neo4j import AsyncManagedTransaction
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bench.loader import Handles, load
from bench.service import BENCH_DIR, STATE_DIR, Service, free_port
from bench.workloads import IMPACT_LIVE, MODEL_LIST, TRACE, UI_READ
from modelgraph.neo4j_local import launcher
from modelgraph.neo4j_local.errors import LocalNeo4jError
from modelgraph.settings import Settings
from modelgraph.store import admin, migrations
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, make_driver

RESULTS = BENCH_DIR / "results"
HOME = STATE_DIR / "chaos-home"
KF = "/api/model_registry/v1alpha3"
REQUEST_TIMEOUT_S = 15.0
HANG_S = 2.0
# Longest wait for writes to be acknowledged again between two kills.
SETTLE_S = 30.0
REGISTER_PREFIX = "chaos-reg-"
RUN_PREFIX = "chaos-run-"
DEPLOYMENT_PREFIX = "chaos-dep-"

_MISSING_NODES = query("chaos/missing_nodes")
_MISSING_KF_IDS = query("chaos/missing_kf_ids")
_MISSING_EDGES = query("chaos/missing_edges")
_HALF_WRITTEN = query("chaos/half_written")

REGISTER = """mutation($input: RegisterModelInput!) {
  registerModel(input: $input) { model { id } version { id } artifact { id } execution { id } } }"""
LOG = """mutation($input: LogExecutionInput!) {
  logExecution(input: $input) { execution { id } inputIds outputIds } }"""
DEPLOY = """mutation($v: ID!, $name: String!) {
  deploy(versionId: $v, servingEnvironment: "chaos-env", deploymentName: $name) { id } }"""
SEED = """mutation {
  d: createDataset(input: {name: "chaos-data"}) { id }
  o: createDataset(input: {name: "chaos-out"}) { id }
  e: createServingEnvironment(input: {name: "chaos-env"}) { id }
  r: registerModel(input: {modelName: "chaos-seed", versionName: "v1"}) { version { id } }
}"""
SEED_DV = (
    """mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }"""
)


# ---------------------------------------------------------------------------- what clients saw


@dataclass
class Ledger:
    """Everything the writers were told, and what must therefore be in the graph."""

    outcomes: Counter[str] = field(default_factory=Counter)
    by_op: dict[str, Counter[str]] = field(default_factory=dict)
    node_ids: list[str] = field(default_factory=list)
    kf_ids: list[int] = field(default_factory=list)
    edges: list[dict[str, str]] = field(default_factory=list)
    acknowledged: int = 0
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    other_errors: list[dict[str, Any]] = field(default_factory=list)
    hangs: int = 0
    in_flight: int = 0
    transport_samples: list[str] = field(default_factory=list)

    def saw(self, op: str, outcome: str, detail: Any = None) -> None:
        self.outcomes[outcome] += 1
        self.by_op.setdefault(op, Counter())[outcome] += 1
        sample = {"op": op, "outcome": outcome, "detail": detail}
        if outcome == "server_error" and len(self.server_errors) < 20:
            self.server_errors.append(sample)
        if outcome == "other_error" and len(self.other_errors) < 20:
            self.other_errors.append(sample)


def _classify_graphql(response: httpx.Response) -> tuple[str, Any]:
    if response.status_code >= 500:
        return "server_error", {"status": response.status_code, "body": response.text[:300]}
    try:
        body = response.json()
    except ValueError:
        return "server_error", {"status": response.status_code, "body": response.text[:300]}
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return ("ok", body["data"]) if response.status_code == 200 else ("other_error", body)
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if codes == {"UNAVAILABLE"}:
        return "unavailable", None
    if codes & {None, "INTERNAL", "INTERNAL_SERVER_ERROR"}:
        return "server_error", errors[:2]
    return "other_error", errors[:2]


def _classify_rest(response: httpx.Response) -> tuple[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    if response.status_code == 503 and code is not None:
        return "unavailable", None
    if response.status_code >= 500:
        return "server_error", {"status": response.status_code, "body": response.text[:300]}
    if response.status_code in (200, 201):
        return "ok", body
    return "other_error", {"status": response.status_code, "body": body}


class Writers:
    """Concurrent clients issuing multi-node writes at the current service URL."""

    def __init__(self, ledger: Ledger, seeds: dict[str, str], workers: int, seed: int) -> None:
        self.ledger = ledger
        self.seeds = seeds
        self.workers = workers
        self.url = ""
        self.counter = 0
        self.rng = random.Random(seed)
        self.stopping = asyncio.Event()

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    async def _post(self, http: httpx.AsyncClient, path: str, body: Any) -> httpx.Response:
        self.ledger.in_flight += 1
        started = time.monotonic()
        try:
            return await http.post(
                self.url + path, json=body, headers={"x-modelgraph-user": "chaos"}
            )
        finally:
            self.ledger.in_flight -= 1
            if time.monotonic() - started > HANG_S:
                self.ledger.hangs += 1

    async def register(self, http: httpx.AsyncClient) -> str:
        i = self._next()
        variables = {
            "input": {
                "modelName": f"{REGISTER_PREFIX}{i}",
                "versionName": "v1",
                "artifact": {"uri": f"s3://chaos/{i}/model.bin"},
                "training": {
                    "hyperparameters": [{"key": "max_depth", "type": "INT", "intValue": 6}],
                    "datasets": [{"id": self.seeds["dv"], "role": "train"}],
                },
            }
        }
        outcome, data = _classify_graphql(
            await self._post(http, "/graphql", {"query": REGISTER, "variables": variables})
        )
        if outcome == "ok":
            r = data["registerModel"]
            m, v, a, e = (r[k]["id"] for k in ("model", "version", "artifact", "execution"))
            self._ack([m, v, a, e], [(m, "HAS_VERSION", v), (v, "HAS_ARTIFACT", a)])
            self._ack([], [(e, "PRODUCED", v), (self.seeds["dv"], "CONSUMED_BY", e)])
        return outcome

    async def log_execution(self, http: httpx.AsyncClient) -> str:
        i = self._next()
        variables = {
            "input": {
                "name": f"{RUN_PREFIX}{i}",
                "type": "PREPROCESSING",
                "inputs": [{"id": self.seeds["dv"], "role": "input"}],
                "outputs": [{"newDatasetVersion": {"dataset": "chaos-out", "version": f"v{i}"}}],
            }
        }
        outcome, data = _classify_graphql(
            await self._post(http, "/graphql", {"query": LOG, "variables": variables})
        )
        if outcome == "ok":
            r = data["logExecution"]
            e = r["execution"]["id"]
            edges = [(src, "CONSUMED_BY", e) for src in r["inputIds"]]
            edges += [(e, "PRODUCED", out) for out in r["outputIds"]]
            self._ack([e, *r["outputIds"]], edges)
        return outcome

    async def deploy(self, http: httpx.AsyncClient) -> str:
        i = self._next()
        variables = {"v": self.seeds["version"], "name": f"{DEPLOYMENT_PREFIX}{i}"}
        outcome, data = _classify_graphql(
            await self._post(http, "/graphql", {"query": DEPLOY, "variables": variables})
        )
        if outcome == "ok":
            d = data["deploy"]["id"]
            self._ack(
                [d], [(self.seeds["env"], "HOSTS", d), (self.seeds["version"], "DEPLOYED_AS", d)]
            )
        return outcome

    async def rest_chain(self, http: httpx.AsyncClient) -> str:
        """Model, then version, then artifact: three requests, each its own transaction."""
        i = self._next()
        steps: list[tuple[str, Callable[[str], Any]]] = [
            ("/registered_models", lambda _: {"name": f"chaos-kf-{i}"}),
            ("/model_versions", lambda parent: {"name": "v1", "registeredModelId": parent}),
            (
                "/model_versions/{parent}/artifacts",
                lambda _: {
                    "artifactType": "model-artifact",
                    "name": f"a{i}",
                    "uri": f"s3://kf/{i}",
                },
            ),
        ]
        parent = ""
        for path, body in steps:
            outcome, data = _classify_rest(
                await self._post(http, KF + path.format(parent=parent), body(parent))
            )
            if outcome != "ok":
                return outcome
            parent = str(data["id"])
            self.ledger.kf_ids.append(int(parent))
            self.ledger.acknowledged += 1
        return "ok"

    def _ack(self, ids: list[str], edges: list[tuple[str, str, str]]) -> None:
        self.ledger.node_ids.extend(ids)
        self.ledger.edges.extend({"source": s, "type": t, "target": d} for s, t, d in edges)
        self.ledger.acknowledged += 1 if ids else 0

    async def worker(self, index: int) -> None:
        ops: list[tuple[str, Callable[[httpx.AsyncClient], Awaitable[str]]]] = [
            ("registerModel", self.register),
            ("logExecution", self.log_execution),
            ("deploy", self.deploy),
            ("rest", self.rest_chain),
        ]
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S) as http:
            while not self.stopping.is_set():
                name, op = ops[(index + self.rng.randrange(len(ops))) % len(ops)]
                try:
                    outcome = await op(http)
                except httpx.TimeoutException:
                    outcome = "timeout"
                except httpx.TransportError as exc:
                    outcome = "connection_error"  # the service process is down
                    if len(self.ledger.transport_samples) < 5:
                        self.ledger.transport_samples.append(f"{name}: {exc!r}")
                self.ledger.saw(name, outcome)
                if outcome != "ok":
                    await asyncio.sleep(0.2)

    def start(self) -> list[asyncio.Task[None]]:
        return [asyncio.create_task(self.worker(i)) for i in range(self.workers)]


# ------------------------------------------------------------------------------- the checks


async def lost_writes(db: Database, ledger: Ledger) -> dict[str, Any]:
    """Acknowledged nodes, Kubeflow ids and edges missing from the graph."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        nodes = await db.fetch_one(tx, "chaos/missing_nodes", _MISSING_NODES, ids=ledger.node_ids)
        kf = await db.fetch_one(tx, "chaos/missing_kf_ids", _MISSING_KF_IDS, ids=ledger.kf_ids)
        edges = await db.fetch_one(tx, "chaos/missing_edges", _MISSING_EDGES, edges=ledger.edges)
        return {
            "missing_nodes": (nodes or {}).get("missing", []),
            "missing_kf_ids": (kf or {}).get("missing", []),
            "missing_edges": (edges or {}).get("missing", []),
        }

    return await db.read(work)


async def half_written(db: Database) -> dict[str, int]:
    """Problem -> count of parts of multi-node writes found without the rest."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, int]:
        rows = await db.fetch(
            tx,
            "chaos/half_written",
            _HALF_WRITTEN,
            runPrefix=RUN_PREFIX,
            registerPrefix=REGISTER_PREFIX,
            deploymentPrefix=DEPLOYMENT_PREFIX,
        )
        return {r["problem"]: int(r["total"]) for r in rows}

    return await db.read(work)


# ---------------------------------------------------------------------------- the harness


class Rig:
    """A Neo4j started with the launcher (in ``home``, with a password) and the service on it."""

    def __init__(self, port: int, password: str, home: Path = HOME) -> None:
        self.home = home
        self.port = port
        self.password = password
        self.uri = f"bolt://127.0.0.1:{port}"
        self.service: Service | None = None

    def start_neo4j(self) -> float:
        began = time.monotonic()
        try:
            launcher.start(home=self.home, port=self.port, password=self.password, timeout=240)
        except LocalNeo4jError as exc:  # a loaded machine: one more try before giving up
            print(f"Neo4j start failed, retrying: {exc}", flush=True)
            launcher.start(home=self.home, port=self.port, password=self.password, timeout=240)
        return time.monotonic() - began

    def start_service(self) -> Service:
        self.service = Service(self.uri).__enter__()
        return self.service

    def kill_service(self) -> None:
        assert self.service is not None and self.service.proc is not None
        self.service.proc.send_signal(signal.SIGKILL)
        self.service.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.service is not None:
            self.service.__exit__()
        with contextlib.suppress(Exception):
            launcher.stop(home=self.home)

    @classmethod
    def fresh(cls, home: Path) -> Rig:
        """A rig on an empty home (a previous run's server stopped and its data removed)."""
        if home.exists():
            with contextlib.suppress(Exception):
                launcher.stop(home=home)
            shutil.rmtree(home)
        rig = cls(free_port(), "bench-" + secrets.token_hex(8), home)
        os.environ["MODELGRAPH_NEO4J_PASSWORD"] = rig.password  # service subprocesses inherit it
        return rig

    def settings(self) -> Settings:
        """Settings for an in-process driver on this rig's Neo4j."""
        return Settings(
            neo4j_uri=self.uri,
            neo4j_password=SecretStr(self.password),
            home=self.home,
            _env_file=None,  # type: ignore[call-arg]
        )


async def ready(url: str, deadline_s: float = 60.0) -> bool:
    deadline = time.monotonic() + deadline_s
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url + "/readyz")).status_code == 200:
                    return True
            await asyncio.sleep(0.2)
    return False


async def _seed(url: str) -> dict[str, str]:
    # Set-up, not a measured request: a loaded machine may take long to answer it.
    async with httpx.AsyncClient(base_url=url, timeout=300) as http:
        seeded = (await http.post("/graphql", json={"query": SEED})).json()["data"]
        dv = (
            await http.post(
                "/graphql", json={"query": SEED_DV, "variables": {"d": seeded["d"]["id"]}}
            )
        ).json()
    return {
        "dv": dv["data"]["createDatasetVersion"]["id"],
        "env": seeded["e"]["id"],
        "version": seeded["r"]["version"]["id"],
    }


async def kill_campaign(
    rig: Rig, neo4j_kills: int, service_kills: int, workers: int, seed: int, budget_s: float
) -> dict[str, Any]:
    """Interleave SIGKILLs of Neo4j and of the service under a constant write load."""
    rng = random.Random(seed)
    ledger = Ledger()
    assert rig.service is not None
    seeds = await _seed(rig.service.url)
    writers = Writers(ledger, seeds, workers, seed)
    writers.url = rig.service.url
    plan = ["neo4j"] * neo4j_kills + ["service"] * service_kills
    rng.shuffle(plan)
    tasks = writers.start()
    done: Counter[str] = Counter()
    in_flight_at_kill: list[int] = []
    restart_s: list[float] = []
    began = time.monotonic()
    try:
        for target in plan:
            if time.monotonic() - began > budget_s:
                break
            # Let writes succeed again after the last restart, then kill while some are in flight.
            acked = ledger.outcomes["ok"]
            for _ in range(int(SETTLE_S * 10)):
                if ledger.outcomes["ok"] >= acked + 2 * workers:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(rng.uniform(0.0, 1.0))
            for _ in range(50):
                if ledger.in_flight:
                    break
                await asyncio.sleep(0.02)
            in_flight_at_kill.append(ledger.in_flight)
            if target == "neo4j":
                await asyncio.to_thread(launcher.kill_hard, rig.home)
                restart_s.append(await asyncio.to_thread(rig.start_neo4j))
            else:
                await asyncio.to_thread(rig.kill_service)
                service = await asyncio.to_thread(rig.start_service)
                writers.url = service.url
            done[target] += 1
            await ready(writers.url)
            print(
                f"kill {sum(done.values())}/{len(plan)} ({target}); {dict(ledger.outcomes)}",
                flush=True,
            )
        await asyncio.sleep(2.0)
    finally:
        writers.stopping.set()
        await asyncio.gather(*tasks)
    settings = rig.settings()
    driver = make_driver(settings)
    try:
        db = Database(driver, settings.neo4j_database)
        lost = await lost_writes(db, ledger)
        broken = await half_written(db)
    finally:
        await driver.close()
    return {
        "neo4j_kills": done["neo4j"],
        "service_kills": done["service"],
        "seconds": round(time.monotonic() - began, 1),
        "writers": workers,
        "in_flight_at_kill": {
            "min": min(in_flight_at_kill, default=0),
            "mean": round(statistics.fmean(in_flight_at_kill), 2) if in_flight_at_kill else 0,
        },
        "neo4j_restart_s": {
            "median": round(statistics.median(restart_s), 1) if restart_s else None,
            "max": round(max(restart_s), 1) if restart_s else None,
        },
        "acknowledged_writes": ledger.acknowledged,
        "acknowledged_nodes_checked": len(ledger.node_ids) + len(ledger.kf_ids),
        "acknowledged_edges_checked": len(ledger.edges),
        "lost_nodes": len(lost["missing_nodes"]) + len(lost["missing_kf_ids"]),
        "lost_edges": len(lost["missing_edges"]),
        "lost_samples": (lost["missing_nodes"] + lost["missing_kf_ids"] + lost["missing_edges"])[
            :10
        ],
        "half_written": broken,
        "half_written_total": sum(broken.values()),
        "client_outcomes": dict(ledger.outcomes),
        "client_outcomes_by_op": {op: dict(c) for op, c in ledger.by_op.items()},
        "server_errors": ledger.outcomes["server_error"],
        "server_error_samples": ledger.server_errors,
        "other_error_samples": ledger.other_errors,
        "connection_error_samples": ledger.transport_samples,
        "requests_over_2s": ledger.hangs,
    }


# ---------------------------------------------------------------------------------- soak


@dataclass
class SoakSample:
    started: float
    seconds: float
    outcome: str  # ok, unavailable, timeout, connection_error, server_error, other_error
    what: str

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


async def soak(
    rig: Rig, handles: Handles, seconds: float, concurrency: int, restarts: int, seed: int
) -> dict[str, Any]:
    """Mixed reads and writes at ``concurrency`` for ``seconds``, Neo4j restarted ``restarts``
    times; errors and slow requests are counted outside the outage windows."""
    assert rig.service is not None
    url = rig.service.url
    rng = random.Random(seed)
    samples: list[SoakSample] = []
    windows: list[tuple[float, float]] = []
    rss: list[tuple[float, int]] = []
    proc = psutil.Process(rig.service.pid)
    stopping = asyncio.Event()
    reads = [TRACE, IMPACT_LIVE, MODEL_LIST, UI_READ]
    counter = 0

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal counter
        counter += 1
        i = counter
        write = rng.random() < 0.25
        if write:
            body = {
                "query": REGISTER,
                "variables": {
                    "input": {
                        "modelName": f"soak-{i % 200}",
                        "versionName": f"v{i}",
                        "artifact": {"uri": f"s3://soak/{i}"},
                        "training": {
                            "datasets": [
                                {"id": handles.feature_versions[i % len(handles.feature_versions)]}
                            ]
                        },
                    }
                },
            }
            what = "registerModel"
        else:
            w = reads[i % len(reads)]
            body, what = {"query": w.text, "variables": w.variables(handles, i)}, w.name
        started = time.monotonic()
        try:
            response = await http.post(
                url + "/graphql", json=body, headers={"x-modelgraph-user": "soak"}
            )
            outcome = _classify_graphql(response)[0]
        except httpx.TimeoutException:
            outcome = "timeout"
        except httpx.TransportError:
            outcome = "connection_error"
        samples.append(SoakSample(started, time.monotonic() - started, outcome, what))

    async def client() -> None:
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S) as http:
            while not stopping.is_set():
                await one(http)

    async def memory() -> None:
        while not stopping.is_set():
            rss.append((time.monotonic(), proc.memory_info().rss))
            await asyncio.sleep(5)

    began = time.monotonic()
    tasks = [asyncio.create_task(client()) for _ in range(concurrency)]
    tasks.append(asyncio.create_task(memory()))
    try:
        for n in range(restarts):
            await asyncio.sleep(
                max(0.0, began + seconds * (n + 1) / (restarts + 1) - time.monotonic())
            )
            opened = time.monotonic()
            await asyncio.to_thread(launcher.stop, rig.home)
            await asyncio.to_thread(rig.start_neo4j)
            await ready(url)
            windows.append((opened, time.monotonic() + 2.0))  # +2 s: requests begun just before
        await asyncio.sleep(max(0.0, began + seconds - time.monotonic()))
    finally:
        stopping.set()
        await asyncio.gather(*tasks)

    def outside(s: SoakSample) -> bool:
        return not any(a - REQUEST_TIMEOUT_S <= s.started <= b for a, b in windows)

    service_metrics = await scrape_histograms(
        url,
        (
            "modelgraph_neo4j_write_queue_seconds",
            "modelgraph_neo4j_write_turn_seconds",
            "modelgraph_event_loop_lag_seconds",
        ),
    )
    calm = [s for s in samples if outside(s)]
    stormy = [s for s in samples if not outside(s)]
    errors = [s for s in calm if not s.ok]
    slow = [s for s in calm if s.seconds > HANG_S]
    durations = sorted(s.seconds for s in calm if s.ok)
    quarter = max(1, len(rss) // 4)
    return {
        "seconds": round(time.monotonic() - began, 1),
        "concurrency": concurrency,
        "neo4j_restarts": len(windows),
        "outage_windows_s": [round(b - a, 1) for a, b in windows],
        "requests": len(samples),
        "requests_outside_windows": len(calm),
        "errors_outside_windows": len(errors),
        "error_rate_outside_windows": round(len(errors) / len(calm), 5) if calm else None,
        "errors_by_kind_outside_windows": dict(Counter(s.what for s in errors)),
        "outcomes_outside_windows": dict(Counter(s.outcome for s in calm)),
        "outcomes_inside_windows": dict(Counter(s.outcome for s in stormy)),
        "server_errors": sum(s.outcome == "server_error" for s in samples),
        "requests_over_2s_outside_windows": len(slow),
        "slow_by_kind": dict(Counter(s.what for s in slow)),
        "p50_ms": round(durations[len(durations) // 2] * 1000, 1) if durations else None,
        "p99_ms": round(durations[int(len(durations) * 0.99)] * 1000, 1) if durations else None,
        "p50_ms_by_kind": _p50_by_kind(calm),
        "service_histograms": service_metrics,
        "rss_mb": {
            "first": round(rss[0][1] / 2**20, 1) if rss else None,
            "first_quarter_mean": round(statistics.fmean(r for _, r in rss[:quarter]) / 2**20, 1)
            if rss
            else None,
            "last_quarter_mean": round(statistics.fmean(r for _, r in rss[-quarter:]) / 2**20, 1)
            if rss
            else None,
            "max": round(max(r for _, r in rss) / 2**20, 1) if rss else None,
            "samples": len(rss),
        },
    }


def _p50_by_kind(samples: list[SoakSample]) -> dict[str, float]:
    by_kind: dict[str, list[float]] = {}
    for s in samples:
        if s.ok:
            by_kind.setdefault(s.what, []).append(s.seconds)
    return {k: round(statistics.median(v) * 1000, 1) for k, v in sorted(by_kind.items())}


async def scrape_histograms(url: str, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Count, mean and bucket-bound p50/p95 of the service's unlabelled histograms ``names``."""
    async with httpx.AsyncClient(timeout=30) as http:
        text = (await http.get(url + "/metrics")).text
    found: dict[str, dict[str, Any]] = {}
    for family in text_string_to_metric_families(text):
        if family.name not in names:
            continue
        buckets: list[tuple[float, float]] = []
        count = total = 0.0
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                buckets.append((float(sample.labels["le"]), sample.value))
            elif sample.name.endswith("_count"):
                count = sample.value
            elif sample.name.endswith("_sum"):
                total = sample.value
        buckets.sort()

        def bound(q: float, buckets: list[tuple[float, float]] = buckets, n: float = count) -> Any:
            return next((le for le, seen in buckets if seen >= q * n), None) if n else None

        found[family.name] = {
            "count": int(count),
            "mean_ms": round(total / count * 1000, 1) if count else None,
            "p50_le_ms": _ms(bound(0.5)),
            "p95_le_ms": _ms(bound(0.95)),
        }
    return found


def _ms(seconds: float | None) -> float | None:
    if seconds is None or seconds == float("inf"):
        return seconds
    return round(seconds * 1000, 1)


# --------------------------------------------------------------------------------- report


def render(result: dict[str, Any]) -> str:
    kills = result.get("kills") or {}
    lines = [
        "# Chaos campaign",
        "",
        f"`{result['command']}` — {result['finished_at']}, load average at start "
        f"{result['load_average_at_start']}",
        "",
    ]
    if kills:
        lines += [
            "## SIGKILLs with multi-node writes in flight",
            "",
            "| figure | value | must be |",
            "|---|---|---|",
            f"| SIGKILLs of Neo4j | {kills['neo4j_kills']} | |",
            f"| SIGKILLs of the service | {kills['service_kills']} | |",
            f"| writes in flight at a kill (min / mean) | {kills['in_flight_at_kill']['min']} / "
            f"{kills['in_flight_at_kill']['mean']} | > 0 |",
            f"| acknowledged writes | {kills['acknowledged_writes']} | |",
            f"| acknowledged nodes / edges checked | {kills['acknowledged_nodes_checked']} / "
            f"{kills['acknowledged_edges_checked']} | |",
            f"| lost acknowledged nodes | {kills['lost_nodes']} | 0 |",
            f"| lost acknowledged edges | {kills['lost_edges']} | 0 |",
            f"| half-written graphs | {kills['half_written_total']} | 0 |",
            f"| 5xx / INTERNAL seen by clients | {kills['server_errors']} | 0 |",
            f"| client outcomes | {kills['client_outcomes']} | ok, unavailable, connection_error |",
            f"| Neo4j restart (median / max s) | {kills['neo4j_restart_s']['median']} / "
            f"{kills['neo4j_restart_s']['max']} | |",
            "",
        ]
        for sample in kills["server_error_samples"][:5]:
            lines.append(f"- 5xx sample: `{json.dumps(sample)[:400]}`")
        for sample in kills["other_error_samples"][:5]:
            lines.append(f"- other error sample: `{json.dumps(sample)[:400]}`")
        lines.append("")
    sk = result.get("soak")
    if sk:
        lines += [
            f"## Soak: {sk['seconds']} s at c{sk['concurrency']}, "
            f"Neo4j restarted {sk['neo4j_restarts']} times",
            "",
            "| figure | value | must be |",
            "|---|---|---|",
            f"| requests (outside outage windows) | {sk['requests']} "
            f"({sk['requests_outside_windows']}) | |",
            f"| outage windows (s) | {sk['outage_windows_s']} | |",
            f"| error rate outside the windows | {sk['error_rate_outside_windows']} "
            f"({sk['errors_outside_windows']} errors) | 0 |",
            f"| requests over 2 s outside the windows | "
            f"{sk['requests_over_2s_outside_windows']} {sk['slow_by_kind']} | 0 |",
            f"| outcomes outside the windows | {sk['outcomes_outside_windows']} | all ok |",
            f"| outcomes inside the windows | {sk['outcomes_inside_windows']} | "
            "ok, unavailable, connection_error |",
            f"| 5xx / INTERNAL (anywhere) | {sk['server_errors']} | 0 |",
            f"| p50 / p99 ms | {sk['p50_ms']} / {sk['p99_ms']} | |",
            f"| service RSS MB (first, first-quarter mean, last-quarter mean, max) | "
            f"{sk['rss_mb']['first']}, {sk['rss_mb']['first_quarter_mean']}, "
            f"{sk['rss_mb']['last_quarter_mean']}, {sk['rss_mb']['max']} | flat |",
            f"| p50 ms by kind (ok, outside the windows) | {sk.get('p50_ms_by_kind')} | |",
        ]
        for name, h in (sk.get("service_histograms") or {}).items():
            lines.append(
                f"| `{name}` (count, mean, p50 ≤, p95 ≤ ms) | {h['count']}, {h['mean_ms']}, "
                f"{h['p50_le_ms']}, {h['p95_le_ms']} | |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rig = Rig.fresh(args.home)
    result: dict[str, Any] = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    try:
        print(f"starting Neo4j ({time.strftime('%H:%M:%S')})", flush=True)
        await asyncio.to_thread(rig.start_neo4j)
        settings = rig.settings()
        driver = make_driver(settings)
        try:
            db = Database(driver, settings.neo4j_database)
            await migrations.migrate(db)
            await admin.clear_graph(db)
            handles = (await load(db, 2, seed=args.seed, progress=False, samples=2)).handles
        finally:
            await driver.close()
        await asyncio.to_thread(rig.start_service)
        if args.neo4j_kills or args.service_kills:
            result["kills"] = await kill_campaign(
                rig, args.neo4j_kills, args.service_kills, args.writers, args.seed, args.budget
            )
        if args.soak_seconds > 0:
            assert rig.service is not None
            if not await ready(rig.service.url):
                raise RuntimeError("service not ready before the soak")
            result["soak"] = await soak(
                rig, handles, args.soak_seconds, args.concurrency, args.restarts, args.seed
            )
    finally:
        await asyncio.to_thread(rig.stop)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--neo4j-kills", type=int, default=100)
    parser.add_argument("--service-kills", type=int, default=20)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--budget", type=float, default=2400.0, help="seconds for the kills")
    parser.add_argument("--soak-seconds", type=float, default=300.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", type=Path, default=RESULTS / "chaos")
    parser.add_argument("--home", type=Path, default=HOME, help="launcher home (emptied first)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    result["command"] = "python -m bench.chaos " + " ".join(sys.argv[1:])
    result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(render(result))
    print(render(result))
    kills = result.get("kills") or {}
    bad = kills.get("lost_nodes", 0) + kills.get("lost_edges", 0)
    bad += kills.get("half_written_total", 0) + kills.get("server_errors", 0)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
