"""The Grafana dashboard and the compose Prometheus profile only name metrics the service has."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import modelgraph.observability.metrics  # noqa: F401 -- registers the metrics

REPO = Path(__file__).resolve().parents[2]
SUFFIXES = ("_bucket", "_sum", "_count", "_total")


def _known() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        names.update(family.name + suffix for suffix in SUFFIXES)
    return names


def test_dashboard_queries_use_existing_metrics() -> None:
    dashboard = json.loads((REPO / "deploy/grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in re.findall(r"\bmodelgraph_[a-z0-9_]+", e)}
    assert used and not used - _known(), used - _known()


def test_prometheus_profile_scrapes_the_service() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    prometheus = compose["services"]["prometheus"]
    assert prometheus["profiles"] == ["monitoring"]
    config = yaml.safe_load((REPO / "deploy/prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["modelgraph:8000"]
