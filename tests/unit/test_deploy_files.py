"""docker-compose.yml, Dockerfile and .env.example agree with each other and with Settings.

There is no Docker engine on CI machines, so these checks read the files instead of running them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from modelgraph.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def test_compose_runs_neo4j_526_community_with_health_and_volume() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "healthcheck" in neo4j and neo4j["healthcheck"]["test"]
    assert any(v.startswith("neo4j-data:/data") for v in neo4j["volumes"])
    assert "neo4j-data" in _compose()["volumes"]
    assert "127.0.0.1:7687:7687" in neo4j["ports"]


def test_service_waits_for_healthy_neo4j_and_uses_real_setting_names() -> None:
    service = _compose()["services"]["modelgraph"]
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "healthcheck" in service and "/readyz" in " ".join(service["healthcheck"]["test"])
    fields = {f"MODELGRAPH_{name.upper()}" for name in Settings.model_fields}
    unknown = set(service["environment"]) - fields
    assert not unknown, f"env names that Settings does not read: {unknown}"
    assert service["environment"]["MODELGRAPH_NEO4J_URI"] == "bolt://neo4j:7687"
    assert any(str(p).endswith(":8000") for p in service["ports"])


def test_env_example_names_are_settings() -> None:
    fields = {f"MODELGRAPH_{name.upper()}" for name in Settings.model_fields}
    names = re.findall(r"^(MODELGRAPH_\w+)=", (REPO / ".env.example").read_text(), re.M)
    assert names and set(names) <= fields
    password = re.search(
        r"^MODELGRAPH_NEO4J_PASSWORD=(.*)$", (REPO / ".env.example").read_text(), re.M
    )
    assert password and len(password.group(1)) >= 8  # Neo4j refuses shorter passwords


def test_dockerfile_copies_what_the_package_needs() -> None:
    text = (REPO / "Dockerfile").read_text()
    for path in ("pyproject.toml", "src", "cypher"):
        assert re.search(rf"^COPY .*\b{path}\b", text, re.M), path
        assert (REPO / path).exists()
    assert "/readyz" in text
    assert re.search(r'CMD \["modelgraph", "serve", "--migrate"\]', text)
