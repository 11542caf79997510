"""The README's registry tour runs as written, over HTTP, on the demo graph: it cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import gql

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_operations() -> list[str]:
    """Every GraphQL operation of the README section "A GraphQL tour", in order."""
    text = README.read_text()
    section = text.split("## A GraphQL tour", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```graphql\n(.*?)```", section, flags=re.S)
    # A block may hold several operations separated by a blank line.
    return [op.strip() for block in blocks for op in re.split(r"\n\s*\n", block) if op.strip()]


async def _ok(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql(client, query, variables, user="alice")
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    return data


async def test_the_tour_runs_as_written(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await demo.load(db, settings)
    register, listing, promote, deploy = tour_operations()

    created = (await _ok(client, register))["registerModel"]
    assert created["version"]["stage"] == "DEVELOPMENT"
    assert created["artifact"] == {"uri": "s3://models/credit-risk/v1/model.json"}
    assert created["execution"]["type"] == "TRAINING"
    version_id = created["version"]["id"]

    found = await _ok(client, listing)
    models = found["registeredModels"]
    assert models["nodes"][0]["name"] == "credit-risk"  # most recently updated first
    assert models["totalCount"] == len(models["nodes"]) and not models["pageInfo"]["hasNextPage"]
    assert {"key": "accuracy", "value": 0.94} in models["nodes"][0]["versions"][0]["metrics"]
    assert found["modelVersions"]["nodes"], "the demo has a PRODUCTION version matching"
    assert all(v["rows"] > 1_000_000 for v in found["datasetVersions"]["nodes"])

    staged = await _ok(client, promote, v=version_id)
    assert staged["transitionStage"] == {"stage": "STAGING"}

    deployed = (await _ok(client, deploy, v=version_id))["deploy"]
    assert deployed["status"] == "RUNNING"
    assert deployed["servingEnvironment"] == {"name": "prod-openshift"}
    [record] = deployed["deploymentHistory"]
    assert record["version"] == {"name": "v1"}
    assert record["by"] == "alice" and record["until"] is None

    check = """query($v: ID!) { modelVersion(id: $v) { author updatedBy
      stageHistory { fromStage toStage by comment } trainedBy { hyperparameters { key } } } }"""
    version = (await _ok(client, check, v=version_id))["modelVersion"]
    assert version["author"] == version["updatedBy"] == "alice"
    assert version["stageHistory"] == [
        {
            "fromStage": "DEVELOPMENT",
            "toStage": "STAGING",
            "by": "alice",
            "comment": "offline eval ok",
        }
    ]
    assert {h["key"] for h in version["trainedBy"]["hyperparameters"]} == {
        "max_depth",
        "learning_rate",
    }
