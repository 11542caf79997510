"""Time from navigation to a drawn, interactive impact graph of ~100, 1,000 and 5,000 nodes.

Not a test: ``make ui-bench``. Loads one generated fan-out per size into a Neo4j of its own (raw
dataset version -> training runs -> model versions, every 20th deployed), serves the real app,
opens ``/ui/?view=impact`` in headless Debian chromium and reads the page's own marks
(``window.modelgraph``): when the graph was drawn, how long layout took, how long each of its
GraphQL requests took. The same GraphQL document (taken from ui/src/main.js) is then timed
directly with httpx, so "no request from the page is slower than the matching GraphQL query" is
measured, not assumed. Writes bench/results/ui.json and ui.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import async_playwright

from bench.service import Service, neo4j_target
from modelgraph.domain.graph import Label
from modelgraph.settings import Settings
from modelgraph.store import admin, migrations
from modelgraph.store.bulk import GraphBatch
from modelgraph.store.db import Database, make_driver
from modelgraph.ui import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SIZES = (100, 1_000, 5_000)
RUNS = 3
TARGET_MS = 2_000


def page_query(name: str) -> str:
    """The page's own GraphQL document for ``name`` (with its fragments), from ui/src/main.js."""
    source = (REPO / "ui" / "src" / "main.js").read_text()
    fragments = dict(re.findall(r'const (\w+) = "(fragment [^"]*)";', source))
    match = re.search(rf"\n  {name}: `([^`]*)`", source)
    assert match, f"no {name} query in main.js"
    body = match.group(1)
    for key, fragment in fragments.items():
        body = body.replace("${" + key + "}", fragment)
    return body


def consumers_for(size: int) -> int:
    """Runs per fan-out so that run + version (+ a deployment per 20) come to ~size nodes."""
    return max(1, round((size - 1) / 2.05))


async def load(db: Database) -> None:
    await admin.clear_graph(db)
    g = GraphBatch()
    env = g.node(Label.SERVING_ENVIRONMENT, "ui-bench-env")
    for size in SIZES:
        ds = g.node(Label.DATASET, f"ui-bench-{size}")
        dv = g.node(Label.DATASET_VERSION, "v1", ds)
        model = g.node(Label.REGISTERED_MODEL, f"ui-bench-model-{size}")
        for i in range(consumers_for(size)):
            run = g.node(Label.EXECUTION, f"train-{size}-{i}", type="TRAINING")
            g.consumed(dv, run, "train")
            version = g.node(Label.MODEL_VERSION, f"v{i}", model, stage="STAGING")
            g.produced(run, version)
            if i % 20 == 0:
                deployment = g.node(Label.DEPLOYMENT, f"deploy-{size}-{i}", env)
                g.deployed(version, deployment, since=1)
    await g.load(db)


def impact_request(size: int) -> dict[str, Any]:
    """The page's impact request body for the bench graph of ``size``."""
    variables = {
        "ref": f"ui-bench-{size}:v1",
        "depth": 10,
        "asOf": None,
        "first": 5000,
        "live": False,
    }
    return {"query": page_query("impact"), "variables": variables}


async def direct_ms(url: str, size: int) -> list[float]:
    """The page's impact query over HTTP, as a script would send it."""
    body = impact_request(size)
    query, variables = body["query"], body["variables"]
    times = []
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        for _ in range(RUNS + 1):
            t0 = time.perf_counter()
            response = await http.post("/graphql", json={"query": query, "variables": variables})
            response.raise_for_status()
            assert "errors" not in response.json(), response.text[:500]
            times.append((time.perf_counter() - t0) * 1000)
    return times[1:]  # the first one plans the query


async def browser_runs(url: str, size: int) -> list[dict[str, Any]]:
    runs = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for _ in range(RUNS):
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            await page.goto(f"{url}/ui/?view=impact&ref=ui-bench-{size}:v1&first=5000")
            await page.wait_for_function(
                "() => document.body.dataset.drawn === '1'", timeout=120_000
            )
            marks = await page.evaluate(
                """() => ({
                  draw: window.modelgraph.draws[0],
                  requests: window.modelgraph.requests,
                  interactive: window.modelgraph.graph.isInteractive(),
                  // The browser's own timing of each /graphql request: request sent to the
                  // last byte received, without the page's JSON parse or main-thread wait.
                  wire: performance.getEntriesByType("resource")
                    .filter((e) => new URL(e.name).pathname === "/graphql")
                    .map((e) => e.responseEnd - e.requestStart),
                  navStart: performance.timeOrigin,
                })"""
            )
            # The same request again from the drawn, idle page (nothing else loading or
            # laying out): tells the browser's path apart from the page-load contention.
            marks["idle_request_ms"] = await page.evaluate(
                """async (body) => {
                  const t0 = performance.now();
                  const r = await fetch("/graphql", {
                    method: "POST",
                    headers: { "content-type": "application/json" },
                    body: JSON.stringify(body),
                  });
                  await r.text();
                  return performance.now() - t0;
                }""",
                impact_request(size),
            )
            # Interactive: a click on a node opens its details (one request), measured too.
            t0 = time.perf_counter()
            await page.evaluate(
                "() => { window.modelgraph.graph.cy.nodes().not('.group')[1].emit('tap'); }"
            )
            await page.wait_for_selector("#details h2", timeout=60_000)
            marks["click_to_details_ms"] = (time.perf_counter() - t0) * 1000
            runs.append(marks)
            await page.close()
        await browser.close()
    return runs


async def measure() -> dict[str, Any]:
    report: dict[str, Any] = {
        "sizes": [],
        "target_ms": TARGET_MS,
        "load_average_start": [round(x, 1) for x in os.getloadavg()],
    }
    with neo4j_target() as target:
        settings = Settings(neo4j_uri=target.uri, _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database, 600.0)
        await migrations.migrate(db)
        t0 = time.perf_counter()
        await load(db)
        report["load_s"] = round(time.perf_counter() - t0, 1)
        await driver.close()
        with Service(target.uri) as service:
            for size in SIZES:
                direct = await direct_ms(service.url, size)
                runs = await browser_runs(service.url, size)
                drawn = [r["draw"]["at"] for r in runs]
                page_requests = [r["requests"][0]["ms"] for r in runs]
                report["sizes"].append(
                    {
                        "size": size,
                        "nodes_drawn": runs[0]["draw"]["nodes"],
                        "edges_drawn": runs[0]["draw"]["edges"],
                        "navigation_to_drawn_ms": [round(x) for x in drawn],
                        "navigation_to_drawn_median_ms": round(statistics.median(drawn)),
                        "layout_and_render_ms": [round(r["draw"]["ms"]) for r in runs],
                        "page_request_ms": [round(x, 1) for x in page_requests],
                        "page_request_wire_ms": [round(r["wire"][0], 1) for r in runs],
                        "idle_page_request_ms": [round(r["idle_request_ms"], 1) for r in runs],
                        "direct_graphql_ms": [round(x, 1) for x in direct],
                        "click_to_details_ms": [round(r["click_to_details_ms"]) for r in runs],
                        "interactive": all(r["interactive"] for r in runs),
                    }
                )
                print(json.dumps(report["sizes"][-1]))
    report["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
    return report


def write(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "ui.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "ui.md").write_text(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Lineage explorer: navigation to a drawn, interactive impact graph",
        "",
        "Headless Debian chromium, 1440x900, `bench/ui_bench.py` (`make ui-bench`); medians of "
        f"{RUNS} page loads. Target: 5,000 nodes drawn in under {TARGET_MS} ms.",
        "",
        "| impact size | nodes / edges drawn | navigation → drawn (median) | layout+render | "
        "page's GraphQL request (fetch → parsed) | same request on the wire (browser timing) | "
        "same request from the drawn page | same query over httpx | click → details |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in report["sizes"]:
        lines.append(
            f"| {s['size']:,} | {s['nodes_drawn']:,} / {s['edges_drawn']:,} | "
            f"{s['navigation_to_drawn_median_ms']:,} ms | "
            f"{statistics.median(s['layout_and_render_ms']):,.0f} ms | "
            f"{statistics.median(s['page_request_ms']):,.0f} ms | "
            f"{statistics.median(s['page_request_wire_ms']):,.0f} ms | "
            f"{statistics.median(s['idle_page_request_ms']):,.0f} ms | "
            f"{statistics.median(s['direct_graphql_ms']):,.0f} ms | "
            f"{statistics.median(s['click_to_details_ms']):,.0f} ms |"
        )
    lines += [
        "",
        f"Bench graph loaded in {report['load_s']} s. Load average at start "
        f"{report.get('load_average_start')}, at end {report.get('load_average_end')}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=RESULTS)
    write(asyncio.run(measure()), parser.parse_args().out)
