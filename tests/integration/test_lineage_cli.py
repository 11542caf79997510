"""`modelgraph trace` / `modelgraph impact` as scripts use them, against a real Neo4j."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from typer.testing import CliRunner

from modelgraph.cli import app
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.lineage_factories import DAY, T0, demo_graph


@pytest.fixture
async def demo_ids(db: Database) -> AsyncIterator[dict[str, str]]:
    """The demo-like graph of tests/lineage_factories.py, loaded through store/bulk.py."""
    yield (await demo_graph(db)).ids


@pytest.fixture
async def public_demo(db: Database, settings: Settings) -> AsyncIterator[None]:
    """The real demo graph, loaded by `modelgraph demo`'s code through the public mutations."""
    from modelgraph import demo

    await demo.load(db, settings)
    yield


def _run(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"MODELGRAPH_NEO4J_URI": settings.neo4j_uri}
    if settings.neo4j_password.get_secret_value():
        env["MODELGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_trace_json_on_the_demo_graph(public_demo: None, settings: Settings) -> None:
    code, out = _run(settings, "trace", "churn-prod", "--json")
    assert code == 0, out
    trace = json.loads(out)
    assert trace["root"]["name"] == "churn-prod"
    assert [s["version"] for s in trace["served"]] == ["customer-churn-prediction:v2"]
    labels = {n["label"]: n for n in trace["nodes"]}
    raw = labels["customer-transactions:v2"]
    features = labels["churn-features:v2"]
    assert features["id"] in raw["path"] and features["distance"] < raw["distance"]
    runs = [n for n in trace["nodes"] if n["kind"] == "Execution"]
    assert any("learning_rate" in n.get("hyperparameters", {}) for n in runs)


def test_impact_json_on_the_demo_graph(public_demo: None, settings: Settings) -> None:
    code, out = _run(settings, "impact", "customer-transactions", "--json")
    assert code == 0, out
    names = {n["name"] for n in json.loads(out)["nodes"] if n["kind"] == "Deployment"}
    assert {"churn-prod", "fraud-staging"} <= names


def test_as_of_live_only_and_readable_output(demo_ids: dict[str, str], settings: Settings) -> None:
    code, out = _run(settings, "trace", "churn-prod", "--json", "--as-of", str(T0 + 15 * DAY))
    assert code == 0, out
    assert [s["version"] for s in json.loads(out)["served"]] == ["customer-churn-prediction:v1"]
    code, out = _run(settings, "impact", "customer-transactions:v1", "--json", "--live-only")
    assert code == 0, out
    assert not [n for n in json.loads(out)["nodes"] if n["kind"] == "Deployment"]
    code, out = _run(settings, "trace", "churn-prod")
    assert code == 0 and "customer-transactions:v2" in out and "learning_rate" in out
    code, out = _run(settings, "impact", "customer-transactions", "--as-of", "2023-11-19")
    assert code == 0 and "churn-features:v1" in out and "fraud-staging" not in out


def test_unknown_ref_exits_non_zero_with_a_message(
    demo_ids: dict[str, str], settings: Settings
) -> None:
    code, out = _run(settings, "trace", "no-such-deployment", "--json")
    assert code == 1 and "nothing matches ref 'no-such-deployment'" in out
    code, out = _run(settings, "impact", "customer-transactions", "--as-of", "last tuesday")
    assert code == 2 and "--as-of" in out
