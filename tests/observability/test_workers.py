"""`modelgraph serve` with MODELGRAPH_WORKERS=2: two worker processes, one /metrics for both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import multiprocess
from prometheus_client.parser import text_string_to_metric_families

from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import free_port

MODELGRAPH = str(Path(sys.executable).with_name("modelgraph"))
OPERATION = "query serverVersion"
START_TIMEOUT_S = 120


def _served(samples: object) -> float:
    """modelgraph_requests_total of OPERATION (status 200) in merged or parsed metric families."""
    return sum(
        s.value
        for family in samples  # type: ignore[attr-defined]
        for s in family.samples
        if s.name == "modelgraph_requests_total"
        and s.labels.get("operation") == OPERATION
        and s.labels.get("status") == "200"
    )


def _per_worker(metrics_dir: Path) -> dict[str, float]:
    """Requests each worker process counted, read from its own multiprocess files."""
    pids = {p.stem.rsplit("_", 1)[-1] for p in metrics_dir.glob("counter_*.db")}
    return {
        pid: _served(
            multiprocess.MultiProcessCollector.merge(  # type: ignore[no-untyped-call]
                [str(p) for p in metrics_dir.glob(f"*_{pid}.db")], accumulate=True
            )
        )
        for pid in pids
    }


@pytest.fixture
def two_workers(
    settings: Settings, database: Database, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "MODELGRAPH_NEO4J_URI": settings.neo4j_uri,
        "MODELGRAPH_NEO4J_USER": settings.neo4j_user,
        "MODELGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "MODELGRAPH_HOME": str(settings.home),
        "MODELGRAPH_WORKERS": "2",
        "MODELGRAPH_WARM_UP": "false",
        "MODELGRAPH_WEBHOOK_WORKER": "false",
        "MODELGRAPH_ACCESS_LOG": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [MODELGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,  # no .env file of the repository
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-2000:]
            time.sleep(0.3)
        yield url, metrics_dir
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _ask(url: str) -> None:
    # A fresh connection each time, so the kernel spreads requests over both workers' accepts.
    with httpx.Client(base_url=url, timeout=30) as http:
        response = http.post("/graphql", json={"query": "{ serverVersion }"})
        assert response.status_code == 200 and response.json()["data"]["serverVersion"]


def test_metrics_aggregate_across_worker_processes(two_workers: tuple[str, Path]) -> None:
    url, metrics_dir = two_workers
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            list(pool.map(lambda _: _ask(url), range(16)))
            sent += 16
            workers = _per_worker(metrics_dir)
            if len([n for n in workers.values() if n > 0]) >= 2:
                break
    workers = _per_worker(metrics_dir)
    assert len([n for n in workers.values() if n > 0]) == 2, workers
    # Whichever worker answers the scrape reports every worker's requests.
    for _ in range(4):
        scraped = httpx.get(f"{url}/metrics", headers={"connection": "close"}, timeout=10)
        assert scraped.status_code == 200
        assert _served(text_string_to_metric_families(scraped.text)) == sent
    assert sum(workers.values()) == sent
