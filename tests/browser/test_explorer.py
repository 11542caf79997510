"""The lineage explorer in a real browser on the demo graph."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.browser.conftest import drawn, graph_labels
from tests.conftest import LiveServer


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
