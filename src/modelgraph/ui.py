"""The lineage explorer at ``/ui``: the page built from ``ui/`` (``make ui``), served as files.

The build directory is ``ui/dist`` of the repository, or ``MODELGRAPH_UI_DIR`` (the Docker image
sets it). Without a build, ``/ui`` answers with a page saying how to build it instead of a 404.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

# Headless Debian chromium for the browser tests and the page benchmark: background networking
# and component updates off, since only loopback is reachable.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".map": "application/json",
}
# Asset names carry a content hash (esbuild), so browsers may keep them forever.
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ModelGraph - lineage explorer not built</title>
</head><body><main><h1>The lineage explorer is not built</h1>
<p>Build it once with <code>make ui</code> (needs Node.js and npm; <code>make run</code> does it),
or set <code>MODELGRAPH_UI_DIR</code> to a built copy. The GraphQL API and
<a href="/graphql">GraphiQL</a> work without it.</p></main></body></html>
"""


def build_dir() -> Path:
    """Where the built page lives."""
    override = os.environ.get("MODELGRAPH_UI_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "ui" / "dist"


async def root(_: Request) -> Response:
    """``/`` opens the explorer."""
    return RedirectResponse("/ui/", status_code=307)


async def index(request: Request) -> Response:
    """The page itself; its state lives in the query string, so every view is this one file."""
    page = build_dir() / "index.html"
    if not page.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503)
    return FileResponse(
        page, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"}
    )


async def asset(request: Request) -> Response:
    """``/ui/assets/{name}``: one built file, never a path outside the build directory."""
    name = request.path_params["name"]
    directory = (build_dir() / "assets").resolve()
    path = (directory / name).resolve()
    media_type = MEDIA_TYPES.get(path.suffix)
    if path.parent != directory or media_type is None or not path.is_file():
        return HTMLResponse("not found", status_code=404)
    return FileResponse(path, media_type=media_type, headers={"cache-control": IMMUTABLE})


async def favicon(_: Request) -> Response:
    """``/favicon.ico`` for pages that do not name one (GraphiQL, JSON in a browser tab)."""
    icons = sorted((build_dir() / "assets").glob("favicon-*.svg"))
    if not icons:
        return HTMLResponse("not found", status_code=404)
    return FileResponse(icons[0], media_type="image/svg+xml", headers={"cache-control": "no-cache"})


def routes() -> list[Route]:
    """The explorer's routes, for the app's route table."""
    return [
        Route("/", root, methods=["GET"]),
        Route("/ui", index, methods=["GET"]),
        Route("/ui/", index, methods=["GET"]),
        Route("/ui/assets/{name}", asset, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
    ]
