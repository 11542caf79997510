"""`modelgraph trace|impact --url --token`: a script needs a token, not database credentials."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from modelgraph import demo
from modelgraph.cli import app
from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import access
from modelgraph.store.db import Database
from tests.conftest import LiveServer

# Nothing answers here: a remote command that touched the database would fail.
NO_DATABASE = {"MODELGRAPH_NEO4J_URI": "bolt://127.0.0.1:9", "MODELGRAPH_NEO4J_PASSWORD": "x"}


async def test_trace_and_impact_over_http(
    db: Database, settings: Settings, tokens_server: LiveServer
) -> None:
    await demo.load(db, settings)
    issued = await access.create_token(db, "script", "script", ["viewer"], None, actor=SYSTEM)
    env = {**NO_DATABASE, "MODELGRAPH_URL": tokens_server.url, "MODELGRAPH_TOKEN": issued.secret}
    runner = CliRunner()

    traced = runner.invoke(app, ["trace", "churn-prod", "--json"], env=env)
    assert traced.exit_code == 0, traced.output
    answer = json.loads(traced.output)
    assert answer["root"]["label"] == "churn-prod"
    assert "customer-transactions:v2" in {n["label"] for n in answer["nodes"]}

    tree = runner.invoke(app, ["trace", "churn-prod"], env=env)
    assert tree.exit_code == 0 and "learning_rate" in tree.output

    table = runner.invoke(app, ["impact", "customer-transactions", "--live-only"], env=env)
    assert table.exit_code == 0 and "fraud-staging" in table.output

    refused = runner.invoke(
        app, ["trace", "churn-prod", "--url", tokens_server.url], env=NO_DATABASE
    )
    assert refused.exit_code == 1 and "UNAUTHENTICATED" in refused.output
