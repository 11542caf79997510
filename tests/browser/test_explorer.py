"""The lineage explorer in a real browser on the demo graph."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
from playwright.async_api import Browser, BrowserContext, Page, expect

from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.browser.conftest import REPO, UI, drawn, graph_labels, shown, update_screenshots
from tests.conftest import LiveServer, gql

AXE = UI / "node_modules" / "axe-core" / "axe.min.js"
HISTORY = """{ deployment(servingEnvironmentName: "prod-openshift", name: "churn-prod") {
  deploymentHistory { since until version { name } } } }"""
# Draws hand-made answers with the page's own graph code: a restricted node (only kind and
# distance, as permission-filtered answers carry) and a chain of 6 preprocessing steps.
RESTRICTED_AND_CHAIN = """() => {
  const g = window.modelgraph.graph;
  const n = (id, kind, extra = {}) =>
    ({id, kind, name: id, label: id, state: "LIVE", distance: 1, ...extra});
  const e = (source, target, type) => ({source, target, type, until: null});
  g.show({root: n("root", "Deployment"), nodes: [{id: "hidden", kind: "ModelVersion", distance: 1}],
          edges: [e("hidden", "root", "DEPLOYED_AS")]});
  const r = g.cy.getElementById("hidden");
  const restricted = {classes: r.hasClass("restricted"), label: r.data("label")};
  const chain = ["d0", "p1", "d1", "p2", "d2", "p3"];
  const nodes = [n("raw", "DatasetVersion"), n("train", "Execution", {executionType: "TRAINING"})];
  chain.forEach((id) => nodes.push(n(id, id.startsWith("p") ? "Execution" : "DatasetVersion",
    id.startsWith("p") ? {executionType: "PREPROCESSING"} : {})));
  const ids = ["raw", ...chain, "train", "root"];
  const edges = ids.slice(1).map((id, i) =>
    e(ids[i], id, i === ids.length - 2 ? "DEPLOYED_AS" : "PRODUCED"));
  g.show({root: n("root", "Deployment"), nodes, edges});
  const groups = g.cy.nodes(".group").map((x) => x.data("label").split("\\n")[0]);
  const before_expand = g.cy.nodes().length;
  g.expandGroup(g.cy.nodes(".group")[0].id());
  return {restricted, groups, before_expand, after_expand: g.cy.nodes().length};
}"""


async def test_search_opens_churn_prod_and_its_trace_reaches_raw_data(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/")
    assert page.url.endswith("/ui/")
    search = page.get_by_role("combobox", name="Search models")
    await search.fill("churn-prod")
    option = page.get_by_role("option").first
    await expect(option).to_contain_text("churn-prod")
    await search.press("Enter")  # the first hit is active: keyboard only
    await drawn(page)
    assert "view=trace" in page.url and "churn-prod" in page.url
    labels = await graph_labels(page)
    assert "customer-churn-prediction:v2" in labels
    assert any(label.startswith("customer-transactions:") for label in labels), labels
    await expect(page.locator("#status")).to_contain_text("Serves customer-churn-prediction:v2")


async def test_impact_of_raw_data_lists_both_deployments_and_highlights_a_path(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/?view=impact&ref=customer-transactions")
    await drawn(page)
    summary = page.locator("#impact-summary")
    await expect(summary).to_contain_text("Deployments: 2")
    deployments = summary.locator("h3:has-text('Deployments') + ul button")
    await expect(deployments).to_have_count(2)
    names = sorted(await deployments.all_inner_texts())
    assert [name.split(" · ")[0] for name in names] == ["churn-prod", "fraud-staging"]
    await summary.get_by_role("button", name="churn-prod").click()
    await expect(page.locator("#details h2")).to_have_text("churn-prod")
    on_path: list[str] = await page.evaluate(
        "() => window.modelgraph.graph.cy.nodes('.path').map(n => n.data('label').split('\\n')[0])"
    )
    assert on_path[0] == "customer-transactions" and "churn-prod" in on_path
    assert "fraud-staging" not in on_path
    await page.get_by_label("Live only").check()
    await drawn(page, 2)
    assert "live=1" in page.url
    await expect(deployments).to_have_count(2)  # both serve now


async def test_as_of_before_v2_was_deployed_shows_v1_serving_churn_prod(
    page: Page, demo_server: LiveServer
) -> None:
    async with httpx.AsyncClient(base_url=demo_server.url) as http:
        body = await gql(http, HISTORY)
    history = body["data"]["deployment"]["deploymentHistory"]  # type: ignore[index]
    v2_since = next(r["since"] for r in history if r["version"]["name"] == "v2")
    before = datetime.fromtimestamp((v2_since - 1) / 1000, tz=UTC)
    await page.goto(demo_server.url + "/ui/?view=trace&ref=prod-openshift/churn-prod")
    await drawn(page)
    await expect(page.locator("#status")).to_contain_text("Serves customer-churn-prediction:v2")
    await page.get_by_label("As of (UTC)").fill(before.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3])
    await page.get_by_label("As of (UTC)").dispatch_event("change")
    await drawn(page, 2)
    await expect(page.locator("#status")).to_contain_text("Serves customer-churn-prediction:v1")
    labels = await graph_labels(page)
    assert "customer-churn-prediction:v1" in labels
    assert "customer-churn-prediction:v2" not in labels
    assert "asOf=" in page.url


async def test_details_panel_by_keyboard_shows_hyperparameters_and_expands(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/?view=trace&ref=prod-openshift/churn-prod")
    await drawn(page)
    run = page.locator("#impact-summary button", has_text="training")
    await run.focus()
    await page.keyboard.press("Enter")
    details = page.locator("#details")
    await expect(details).to_be_focused()
    await expect(details.get_by_role("table", name="Hyperparameters")).to_contain_text(
        "learning_rate"
    )
    await expect(details).to_contain_text("BAYESIAN")
    before = len(await graph_labels(page))
    await page.keyboard.press("Tab")
    await expect(details.get_by_role("button", name="Expand neighbours")).to_be_focused()
    requests = await page.evaluate("() => window.modelgraph.requests.length")
    await page.keyboard.press("Enter")
    await expect(page.locator("#status")).to_contain_text("Expanded")
    assert await page.evaluate("() => window.modelgraph.requests.length") == requests + 1
    assert len(await graph_labels(page)) >= before


async def test_shared_url_reproduces_the_view(
    page: Page, context: BrowserContext, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/")
    await page.locator("#view").select_option("lineage")
    await page.get_by_label("From").fill("customer-transactions:v2")
    await page.get_by_label("Direction").select_option("DOWNSTREAM")
    await page.get_by_label("Depth").fill("3")
    await page.get_by_role("button", name="Show").click()
    # Choosing a direction already drew the view at the default depth; wait for the drawing this
    # click asks for, not that one.
    await shown(page, "depth=3", "direction=DOWNSTREAM")
    await page.get_by_role("button", name="Copy link").click()
    await expect(page.locator("#status")).to_contain_text("direction=DOWNSTREAM")
    link = (await page.locator("#status").inner_text()).split(": ", 1)[1]
    assert "depth=3" in link and "ref=customer-transactions%3Av2" in link
    labels = sorted(await graph_labels(page))
    other = await context.new_page()
    await other.goto(link)
    await drawn(other)
    assert sorted(await graph_labels(other)) == labels
    assert await other.get_by_label("Direction").input_value() == "DOWNSTREAM"
    assert await other.get_by_label("Depth").input_value() == "3"
    await other.close()


async def test_export_png_svg_and_json(page: Page, demo_server: LiveServer) -> None:
    await page.goto(demo_server.url + "/ui/?view=impact&ref=customer-transactions")
    await drawn(page)
    files = {}
    for button in ("PNG", "SVG", "JSON"):
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name=button, exact=True).click()
        download = await download_info.value
        path = await download.path()
        files[button] = path.read_bytes()
    assert files["PNG"].startswith(b"\x89PNG\r\n\x1a\n") and len(files["PNG"]) > 5_000
    assert b"<svg" in files["SVG"] and b"churn-prod" in files["SVG"]
    exported = json.loads(files["JSON"])
    assert exported["view"]["ref"] == "customer-transactions"
    assert {"churn-prod", "fraud-staging"} <= {n["name"] for n in exported["nodes"]}


async def test_go_further_when_truncated(page: Page, demo_server: LiveServer) -> None:
    await page.goto(
        demo_server.url
        + "/ui/?view=lineage&ref=customer-transactions:v2&direction=DOWNSTREAM&depth=1"
    )
    await drawn(page)
    banner = page.locator("#truncated")
    await expect(banner).to_be_visible()
    before = len(await graph_labels(page))
    await banner.get_by_role("button", name="Go further").click()
    await drawn(page, 2)
    assert "depth=2" in page.url
    assert len(await graph_labels(page)) > before


async def test_diff_of_two_versions_side_by_side(page: Page, demo_server: LiveServer) -> None:
    await page.goto(
        demo_server.url
        + "/ui/?view=diff&a=customer-churn-prediction:v1&b=customer-churn-prediction:v2"
    )
    diff = page.locator("#diff")
    await expect(diff.locator("h2")).to_have_text(
        "customer-churn-prediction:v1 ↔ customer-churn-prediction:v2"
    )
    await expect(diff).to_contain_text("churn-features:v1")
    await expect(diff).to_contain_text("churn-features:v2")
    await expect(diff.get_by_role("table").first).to_be_visible()


async def test_restricted_nodes_are_drawn_as_placeholders(
    page: Page, demo_server: LiveServer
) -> None:
    """A node that comes back with only kind and distance is drawn as a restricted placeholder."""
    await page.goto(demo_server.url + "/ui/")
    drawn_nodes = await page.evaluate(RESTRICTED_AND_CHAIN)
    restricted = drawn_nodes["restricted"]
    assert restricted == {"classes": True, "label": "restricted model version\ndistance 1"}


async def test_long_preprocessing_chains_collapse_into_an_expandable_group(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/")
    result = await page.evaluate(RESTRICTED_AND_CHAIN)
    assert result["groups"] == ["6 preprocessing steps"]
    assert result["after_expand"] == 9 and result["before_expand"] == 4


async def test_no_serious_accessibility_violations(
    browser: Browser, demo_server: LiveServer
) -> None:
    # axe-core is the test's tool, injected as an inline script: the page's CSP rightly refuses
    # that, so this one context bypasses CSP (every other test runs the page under it).
    context = await browser.new_context(
        timezone_id="UTC", viewport={"width": 1440, "height": 900}, bypass_csp=True
    )
    try:
        page = await context.new_page()
        await _check_accessibility(page, demo_server)
    finally:
        await context.close()


async def _check_accessibility(page: Page, demo_server: LiveServer) -> None:
    await page.goto(demo_server.url + "/ui/?view=trace&ref=prod-openshift/churn-prod")
    await drawn(page)
    await page.locator("#impact-summary button", has_text="training").click()
    await expect(page.locator("#details table").first).to_be_visible()
    await page.add_script_tag(path=str(AXE))
    results = await page.evaluate("async () => await axe.run(document)")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious
    assert results["passes"], "axe ran no checks"
    if update_screenshots():  # the README's picture: trace of churn-prod, training run details
        await page.screenshot(path=str(REPO / "docs" / "images" / "ui.png"))


async def test_canvas_by_keyboard_walks_the_graph_and_opens_details(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/?view=trace&ref=prod-openshift/churn-prod")
    await drawn(page)
    canvas = page.get_by_role("group", name="Lineage graph")
    await canvas.focus()
    await page.keyboard.press("ArrowLeft")  # upstream of the deployment: what it serves
    await expect(page.locator("#status")).to_contain_text("Focused: customer-churn-prediction:v2")
    walked = await page.evaluate(
        """() => {
          const cy = window.modelgraph.graph.cy;
          const at = cy.$("node:selected");
          const servesRoot = at.outgoers("node").some((n) => n.hasClass("root"));
          return {selected: at.length, servesRoot};
        }"""
    )
    assert walked == {"selected": 1, "servesRoot": True}
    await page.keyboard.press("ArrowLeft")
    await page.keyboard.press("Enter")
    await expect(page.locator("#details h2")).to_be_visible()
    zoom = await page.evaluate("() => window.modelgraph.graph.cy.zoom()")
    await canvas.press("+")
    assert await page.evaluate("() => window.modelgraph.graph.cy.zoom()") > zoom


# A fan-out above the layered cut-over: raw -> 1,200 runs -> 1,200 versions, every 20th deployed.
LARGE_FAN_OUT = """async () => {
  const g = window.modelgraph.graph;
  const n = (id, kind, distance) => ({id, kind, name: id, label: id, state: "LIVE", distance});
  const nodes = [];
  const edges = [];
  for (let i = 0; i < 1200; i += 1) {
    nodes.push(n(`run${i}`, "Execution", 1), n(`v${i}`, "ModelVersion", 2));
    edges.push({source: "raw", target: `run${i}`, type: "CONSUMED_BY"},
               {source: `run${i}`, target: `v${i}`, type: "PRODUCED"});
    if (i % 20 === 0) {
      nodes.push(n(`d${i}`, "Deployment", 3));
      edges.push({source: `v${i}`, target: `d${i}`, type: "DEPLOYED_AS", until: null});
    }
  }
  const t0 = performance.now();
  await g.show({root: n("raw", "DatasetVersion", 0), nodes, edges});
  const ms = performance.now() - t0;
  const x = (id) => g.cy.getElementById(id).position("x");
  const y = (id) => g.cy.getElementById(id).position("y");
  const spots = new Set(g.cy.nodes().map((e) => `${e.position("x")},${e.position("y")}`));
  return {count: g.cy.nodes().length, large: g.cy.nodes(".large").length, distinct: spots.size,
          columns: [x("raw"), x("run7"), x("v7"), x("d20")], sameRow: y("run20") === y("v20")
          && y("v20") === y("d20"), interactive: g.isInteractive(), ms,
          inView: g.cy.extent().w > 0};
}"""


async def test_large_graphs_are_layered_by_hops_without_overlaps(
    page: Page, demo_server: LiveServer
) -> None:
    await page.goto(demo_server.url + "/ui/")
    result = await page.evaluate(LARGE_FAN_OUT)
    assert result["count"] == 1 + 2400 + 60 and result["large"] == result["count"]
    assert result["distinct"] == result["count"]  # no two nodes on one spot
    xs = result["columns"]
    assert xs[0] < xs[1] < xs[2] < xs[3], xs  # data flows left to right, one column per hop
    assert result["sameRow"] and result["interactive"]


async def test_page_loads_and_signs_in_when_authentication_is_on(
    page: Page, demo_server: LiveServer, settings: Settings, database: Database
) -> None:
    issued = await access.create_token(
        database, "ui-viewer", "ui-viewer", ["viewer"], None, actor=SYSTEM
    )
    with LiveServer(settings.model_copy(update={"auth": "tokens", "warm_up": False})) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            icon = await http.get("/favicon.ico")
            assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
            assert (
                await http.post("/graphql", json={"query": "{ serverVersion }"})
            ).status_code == 401
        await page.goto(server.url + "/ui/?view=trace&ref=prod-openshift/churn-prod")
        await expect(page.locator("#status")).to_contain_text("UNAUTHENTICATED")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_label("Token").fill(issued.secret)
        await page.get_by_role("button", name="Sign in").last.click()
        await drawn(page)
        await expect(page.locator("#status")).to_contain_text("Serves customer-churn-prediction:v2")
