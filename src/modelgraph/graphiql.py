"""GraphiQL without internet: the page's scripts and styles, fetched once from npm, served locally.

Strawberry's GraphiQL page loads React, GraphiQL and the explorer plugin from unpkg.com. Air-gapped
hosts cannot reach it, so ``modelgraph graphiql-assets`` packs the same package versions from the
npm registry (``npm pack``), keeps only the files the page uses and checks them against the page's
SRI hashes. When they are present, ``/graphql`` serves a page that points at ``/graphql/assets/``.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from modelgraph.settings import Settings

NPM_TIMEOUT_S = 300
# Versioned file names never change content, so browsers may keep them forever.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    """One file of Strawberry's GraphiQL page, as found in an npm package."""

    package: str
    version: str
    path: str  # inside the package
    integrity: str  # the page's SRI hash (sha384)
    media_type: str

    @property
    def cdn_url(self) -> str:
        """The URL Strawberry's page loads it from."""
        return f"https://unpkg.com/{self.package}@{self.version}/{self.path}"

    @property
    def name(self) -> str:
        """File name in the asset directory and under ``/graphql/assets/``."""
        flat = f"{self.package.lstrip('@')}-{self.version}-{Path(self.path).name}"
        return flat.replace("/", "-")

    @property
    def spec(self) -> str:
        """``npm pack`` argument."""
        return f"{self.package}@{self.version}"

    @property
    def tarball(self) -> str:
        """The file name ``npm pack`` writes."""
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}.tgz"


JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

# Exactly the files (and SRI hashes) of strawberry/static/graphiql.html.
ASSETS: tuple[Asset, ...] = (
    Asset(
        "react",
        "18.2.0",
        "umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
        JS,
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
        JS,
    ),
    Asset(
        "js-cookie",
        "3.0.5",
        "dist/js.cookie.min.js",
        "sha384-/vxhYfM1LENRhdpZ8dwEsQn/X4VhpbEZSiU4m/FwR+PVpzar4fkEOw8FP9Y+OfQN",
        JS,
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
        CSS,
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/style.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
        CSS,
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
        JS,
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/index.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
        JS,
    ),
)
BY_NAME = {asset.name: asset for asset in ASSETS}


class AssetError(Exception):
    """The assets could not be fetched or do not match the page's hashes."""


def assets_dir(settings: Settings) -> Path:
    """Where the assets live: ``$MODELGRAPH_HOME/graphiql-assets``."""
    return settings.home / "graphiql-assets"


def sri(data: bytes) -> str:
    """The ``integrity`` value of ``data`` (sha384, as in the page)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def present(directory: Path) -> bool:
    """True when every asset file is in ``directory``."""
    return all((directory / asset.name).is_file() for asset in ASSETS)


def verified(directory: Path) -> bool:
    """True when every asset file is in ``directory`` and matches the page's SRI hash."""
    return present(directory) and all(
        sri((directory / asset.name).read_bytes()) == asset.integrity for asset in ASSETS
    )


def fetch(directory: Path, *, packed: Path | None = None, npm: str = "npm") -> list[Path]:
    """Put every asset into ``directory``, checked against its SRI hash; return the file paths.

    Tarballs come from ``npm pack`` (the npm registry, not unpkg.com), or from ``packed``, a
    directory holding ``npm pack`` output (the Docker build packs in a Node stage). Files already
    there and matching their hashes are kept, so a second run needs neither npm nor a network.
    """
    if verified(directory):
        return [directory / asset.name for asset in ASSETS]
    with tempfile.TemporaryDirectory(prefix="modelgraph-npm-") as scratch:
        source = packed or _npm_pack(Path(scratch), npm)
        files: dict[str, bytes] = {}
        for asset in ASSETS:
            files[asset.name] = _extract(source / asset.tarball, asset)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = directory / name
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: a running server never serves half a file
        written.append(target)
    return written


def _npm_pack(scratch: Path, npm: str) -> Path:
    executable = shutil.which(npm)
    if executable is None:
        raise AssetError(
            f"`{npm}` not found on PATH: install Node.js/npm to fetch the GraphiQL assets "
            "(without them /graphql loads GraphiQL from unpkg.com)"
        )
    specs = sorted({asset.spec for asset in ASSETS})
    command = [executable, "pack", "--silent", "--pack-destination", str(scratch), *specs]
    try:
        subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=NPM_TIMEOUT_S, cwd=scratch
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip()
        raise AssetError(f"`npm pack {' '.join(specs)}` failed: {detail}") from None
    except subprocess.TimeoutExpired:
        raise AssetError(f"`npm pack` did not finish within {NPM_TIMEOUT_S} s") from None
    return scratch


def _extract(tarball: Path, asset: Asset) -> bytes:
    if not tarball.is_file():
        raise AssetError(f"{tarball} is missing (expected `npm pack {asset.spec}` output)")
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            member = archive.extractfile(f"package/{asset.path}")
        except KeyError:
            member = None
        if member is None:
            raise AssetError(f"{tarball.name} has no file {asset.path}")
        data = member.read()
    if sri(data) != asset.integrity:
        raise AssetError(f"{asset.spec}/{asset.path} does not match the page's SRI hash")
    return data


def local_page(html: str, base: str) -> str:
    """Strawberry's page with each unpkg URL replaced by ``<base>/<asset name>``."""
    for asset in ASSETS:
        html = html.replace(asset.cdn_url, f"{base}/{asset.name}")
    return html


async def serve_asset(request: Request) -> Response:
    """``GET /graphql/assets/{name}``: one fetched asset, by its fixed name only."""
    asset = BY_NAME.get(request.path_params["name"])
    path = assets_dir(request.state.settings) / asset.name if asset else None
    if asset is None or path is None or not path.is_file():
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(path, media_type=asset.media_type, headers={"cache-control": IMMUTABLE})


# GraphiQL opens on the two lineage questions instead of Strawberry's generic welcome text.
EXAMPLE_QUERIES = """# ModelGraph: the lineage explorer at /ui/ draws these answers as a graph.
# Run one with Ctrl-Enter (or the play button); pick it in the play button's menu.

# Everything churn-prod is built from: the version it serves, the run that
# trained it with its hyperparameters, and every dataset version up to raw data.
# Add asOf: <epoch ms> to ask what it served then.
query Trace {
  trace(ref: "churn-prod") {
    served { since version { label stage } }
    nodes { kind label distance executionType hyperparameters { key floatValue intValue } }
    truncated
  }
}

# Everything that depends on a bad dataset, and which deployments serve it now.
query Impact {
  impact(ref: "customer-transactions", liveOnly: true) {
    counts { kind count }
    deployments: nodes(kinds: [Deployment]) { name distance path }
    truncated
  }
}

# Find anything by name, description or tags (prefixes and small typos match).
query Search {
  search(query: "chrun", first: 5) { kind label score }
}
"""
_WELCOME_START = "const EXAMPLE_QUERY = `"
_UI_LINK = (
    '<nav class="modelgraph-nav"><a href="/ui/">ModelGraph lineage explorer</a>'
    " &middot; GraphiQL</nav>"
)
_UI_LINK_STYLE = """
      .modelgraph-nav { height: 2rem; line-height: 2rem; padding: 0 1rem; font: 14px sans-serif;
                        background: #1f2937; color: #f9fafb; }
      .modelgraph-nav a { color: #93c5fd; }
      #graphiql { height: calc(100vh - 2rem); }
    </style>"""


def with_examples(html: str) -> str:
    """Strawberry's page opening on :data:`EXAMPLE_QUERIES`, with a link to the explorer on top."""
    start = html.index(_WELCOME_START) + len(_WELCOME_START)
    end = html.index("`;", start)
    html = html[:start] + EXAMPLE_QUERIES + html[end:]
    html = html.replace("</style>", _UI_LINK_STYLE, 1)
    return html.replace("<body>", "<body>\n    " + _UI_LINK, 1)
