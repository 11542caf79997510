"""The page is built by the project's own steps: Makefile, Dockerfile, a pinned lockfile."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_lockfile_pins_every_dependency_exactly() -> None:
    package = json.loads((REPO / "ui" / "package.json").read_text())
    lock = json.loads((REPO / "ui" / "package-lock.json").read_text())
    wanted = {**package["dependencies"], **package["devDependencies"]}
    assert {"cytoscape", "cytoscape-dagre", "uplot", "esbuild", "axe-core"} <= set(wanted)
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_dockerfile_builds_the_page_and_points_the_app_at_it() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r"^COPY ui/package.json ui/package-lock.json", text, re.M)
    assert re.search(r"^RUN npm ci\b", text, re.M) and "npm run --silent build" in text
    assert "COPY --from=ui /ui/dist ./ui-dist" in text
    assert "MODELGRAPH_UI_DIR=/app/ui-dist" in text


def test_make_test_builds_the_page_and_installs_chromium() -> None:
    text = (REPO / "Makefile").read_text()
    assert re.search(r"^test: .*\bui\b.*\bchromium\b", text, re.M)
    assert "apt-get install -y chromium" in text
    assert re.search(r"^run: .*\n(\t.*\n)*\t.*\bui\b", text, re.M)


def test_page_has_no_inline_script_or_style() -> None:
    """The service's CSP allows only 'self': scripts and styles come from files."""
    html = (REPO / "ui" / "src" / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert "http://" not in html and "https://" not in html  # no CDN
