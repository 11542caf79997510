"""GraphiQL without internet: assets from npm, served by the app, pinned by the SRI hashes."""

from __future__ import annotations

import io
import tarfile
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from strawberry.http.ides import get_graphql_ide_html

from modelgraph import demo, graphiql
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import LiveServer, gql


@pytest.fixture(scope="session")
def graphiql_assets(settings: Settings) -> Path:
    """The real assets, fetched with `npm pack` into the session's temporary home (no skip)."""
    directory = graphiql.assets_dir(settings)
    graphiql.fetch(directory)  # raises AssetError (failing every test here) when npm is missing
    return directory


class _Resources(HTMLParser):
    """(url, integrity) of every script and stylesheet a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get("src") if tag == "script" else None
        if tag == "link" and values.get("rel") == "stylesheet":
            url = values.get("href")
        if url:
            self.found.append((url, values.get("integrity")))


def resources(page: str) -> list[tuple[str, str | None]]:
    parser = _Resources()
    parser.feed(page)
    return parser.found


async def ide_page(http: httpx.AsyncClient) -> str:
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_page_loads_only_local_assets(
    client: httpx.AsyncClient, graphiql_assets: Path
) -> None:
    page = await ide_page(client)
    assert "unpkg.com" not in page
    urls = [url for url, _ in resources(page)]
    assert sorted(urls) == sorted(f"/graphql/assets/{asset.name}" for asset in graphiql.ASSETS)


async def test_every_asset_is_served_with_its_type_and_matches_the_page_sri(
    client: httpx.AsyncClient, graphiql_assets: Path
) -> None:
    found = resources(await ide_page(client))
    assert len(found) == len(graphiql.ASSETS)
    for url, integrity in found:
        response = await client.get(url)
        assert response.status_code == 200, url
        expected = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].split(";")[0] == expected, url
        assert integrity is not None and integrity.startswith("sha384-"), url
        assert graphiql.sri(response.content) == integrity, url


async def test_local_page_differs_from_strawberrys_only_in_asset_urls(
    client: httpx.AsyncClient, graphiql_assets: Path
) -> None:
    page = await ide_page(client)
    for asset in graphiql.ASSETS:
        page = page.replace(f"/graphql/assets/{asset.name}", asset.cdn_url)
    assert page == graphiql.with_examples(get_graphql_ide_html(graphql_ide="graphiql"))
    # The page's fetcher posts to the page's own URL, /graphql.
    body = await gql(client, "{ __typename }")
    assert body == {"data": {"__typename": "Query"}}


async def test_only_known_asset_names_are_served(
    client: httpx.AsyncClient, graphiql_assets: Path
) -> None:
    for name in ("nope.js", "..%2Fgraphiql-assets", "%2E%2E%2Fsettings.py"):
        response = await client.get(f"/graphql/assets/{name}")
        assert response.status_code == 404, name


async def test_without_assets_the_stock_cdn_page_is_served(
    settings: Settings, tmp_path: Path
) -> None:
    bare = settings.model_copy(update={"home": tmp_path})
    with LiveServer(bare) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            page = await ide_page(http)
            missing = await http.get(f"/graphql/assets/{graphiql.ASSETS[0].name}")
    assert page == graphiql.with_examples(get_graphql_ide_html(graphql_ide="graphiql"))
    assert all(url.startswith("https://unpkg.com/") for url, _ in resources(page))
    assert missing.status_code == 404


def test_fetch_rejects_a_tarball_whose_file_does_not_match_the_sri(tmp_path: Path) -> None:
    react = graphiql.ASSETS[0]
    packed = tmp_path / "packed"
    packed.mkdir()
    data = b"/* not react */"
    with tarfile.open(packed / react.tarball, "w:gz") as archive:
        member = tarfile.TarInfo(f"package/{react.path}")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    with pytest.raises(graphiql.AssetError, match="SRI"):
        graphiql.fetch(tmp_path / "assets", packed=packed)
    assert not (tmp_path / "assets").exists()


def test_fetch_without_npm_says_so(tmp_path: Path) -> None:
    with pytest.raises(graphiql.AssetError, match="not found on PATH"):
        graphiql.fetch(tmp_path / "assets", npm="modelgraph-no-such-npm")


async def test_page_opens_on_the_lineage_examples_which_run_on_the_demo_graph(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    page = await ide_page(client)
    assert "Welcome to GraphiQL" not in page
    assert graphiql.EXAMPLE_QUERIES in page and 'href="/ui/"' in page
    await demo.load(db, settings)
    for operation in ("Trace", "Impact", "Search"):
        response = await client.post(
            "/graphql", json={"query": graphiql.EXAMPLE_QUERIES, "operationName": operation}
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (operation, body)
