"""`/` redirects to `/ui/`, which serves the built page or says how to build it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>explorer</title>")
    (tmp_path / "assets" / "app-1234.js").write_text("console.log('ok')")
    (tmp_path / "secret.js").write_text("outside assets")
    monkeypatch.setenv("MODELGRAPH_UI_DIR", str(tmp_path))
    return tmp_path


async def test_root_redirects_to_the_explorer(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 307 and response.headers["location"] == "/ui/"


async def test_built_page_and_assets_are_served(client: httpx.AsyncClient, built: Path) -> None:
    page = await client.get("/ui/")
    assert page.status_code == 200 and "<title>explorer</title>" in page.text
    assert (await client.get("/ui")).status_code == 200
    script = await client.get("/ui/assets/app-1234.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "immutable" in script.headers["cache-control"]


async def test_only_files_inside_the_assets_directory_are_served(
    client: httpx.AsyncClient, built: Path
) -> None:
    for name in ("..%2Fsecret.js", "%2E%2E%2Findex.html", "missing.js", "app-1234.exe"):
        assert (await client.get(f"/ui/assets/{name}")).status_code == 404, name


async def test_unbuilt_page_says_how_to_build_it(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELGRAPH_UI_DIR", str(tmp_path / "nothing"))
    response = await client.get("/ui/")
    assert response.status_code == 503 and "make ui" in response.text


async def test_favicon_is_the_built_icon(client: httpx.AsyncClient, built: Path) -> None:
    assert (await client.get("/favicon.ico")).status_code == 404  # not built yet
    (built / "assets" / "favicon-0123abcd.svg").write_text("<svg/>")
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.text == "<svg/>"
