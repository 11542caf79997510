"""Browser tests: Playwright driving Debian's chromium against a live server on the demo graph.

The page is built from ui/ first (npm ci when node_modules is missing, then esbuild), so the
tests always run the current sources. Screenshots go to build/browser/; with
MODELGRAPH_UPDATE_SCREENSHOTS=1 the README's docs/images/ui.png is refreshed too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store import admin, lineage
from modelgraph.store.db import Database
from modelgraph.ui import CHROMIUM_ARGS
from tests.conftest import LiveServer

REPO = Path(__file__).resolve().parents[2]
UI = REPO / "ui"
ARTIFACTS = REPO / "build" / "browser"
CHROMIUM = "/usr/bin/chromium"
# A loaded 2-core machine: give the page time before an expectation fails.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def ui_build() -> Path:
    """ui/dist built from the current sources (fails, never skips, without npm)."""
    npm = shutil.which("npm")
    assert npm, "npm is needed to build the page (make ui)"
    if not (UI / "node_modules" / ".package-lock.json").is_file():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=UI, check=True, timeout=600)
    subprocess.run([npm, "run", "--silent", "build"], cwd=UI, check=True, timeout=300)
    assert (UI / "dist" / "index.html").is_file()
    return UI / "dist"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium binary (`make chromium` installs it)."""
    path = Path(CHROMIUM)
    assert path.is_file(), f"{CHROMIUM} is missing: run `make chromium`"
    return path


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Debian's chromium, headless (Playwright's own browser download cannot work here)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture(scope="module")
async def demo_server(
    database: Database, settings: Settings, ui_build: Path
) -> AsyncIterator[LiveServer]:
    """A live server on a graph holding exactly the demo graph, for one test module."""
    await admin.clear_graph(database)
    await demo.load(database, settings)
    # Plan the walks the page uses (depth 1-10) before the browser asks: first plans take seconds.
    await lineage.warm_up(Database(database.driver, database.database, 600.0), bounds=(5, 10))
    patient = settings.model_copy(update={"warm_up": False, "neo4j_transaction_timeout": 120.0})
    with LiveServer(patient) as server:
        yield server


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile: UTC clock (the asOf control is UTC), downloads allowed."""
    ctx = await browser.new_context(
        timezone_id="UTC", viewport={"width": 1440, "height": 900}, accept_downloads=True
    )
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A page that fails the test on any uncaught script error; screenshot saved at the end."""
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    assert not errors, f"script errors on the page: {errors}"


async def drawn(page: Page, count: int = 1) -> None:
    """Wait until the page has finished drawing its ``count``-th graph."""
    await page.wait_for_function(
        "n => Number(document.body.dataset.drawn || 0) >= n", arg=count, timeout=30_000
    )


async def shown(page: Page, *parts: str) -> None:
    """Wait until the view on screen is the one whose shareable URL contains all ``parts``."""
    await page.wait_for_function(
        "parts => parts.every(p => (document.body.dataset.shown || '').includes(p))",
        arg=list(parts),
        timeout=30_000,
    )


async def graph_labels(page: Page) -> list[str]:
    """First line of every drawn node's label."""
    labels: list[str] = await page.evaluate(
        "() => window.modelgraph.graph.cy.nodes().map(n => n.data('label').split('\\n')[0])"
    )
    return labels


def update_screenshots() -> bool:
    """True when the committed README screenshot should be refreshed."""
    return os.environ.get("MODELGRAPH_UPDATE_SCREENSHOTS") == "1"
