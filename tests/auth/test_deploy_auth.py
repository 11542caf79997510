"""The container binds 0.0.0.0, so its default must be an authenticated mode."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from modelgraph.auth.edge import bind_refusal
from modelgraph.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_compose_and_image_turn_authentication_on() -> None:
    service = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["modelgraph"]
    env = service["environment"]
    assert env["MODELGRAPH_HOST"] == "0.0.0.0"
    default = re.fullmatch(r"\$\{MODELGRAPH_AUTH:-(\w+)\}", env["MODELGRAPH_AUTH"])
    assert default and default.group(1) != "none"
    image = (REPO / "Dockerfile").read_text()
    assert re.search(r"MODELGRAPH_AUTH=(\w+)", image).group(1) == "tokens"  # type: ignore[union-attr]
    settings = Settings(auth="tokens", _env_file=None)
    assert bind_refusal(settings, "0.0.0.0") is None
    assert bind_refusal(Settings(auth="none", _env_file=None), "0.0.0.0")
    assert bind_refusal(Settings(auth="none", _env_file=None), "127.0.0.1") is None
    assert bind_refusal(Settings(auth="none", _env_file=None), "::1") is None
