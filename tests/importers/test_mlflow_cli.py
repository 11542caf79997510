"""`modelgraph import mlflow` on the command line: summary, idempotence, typed refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip(
    "mlflow", reason="the mlflow extra is not installed: pip install -e '.[mlflow]'"
)

from typer.testing import CliRunner

from modelgraph.cli import app
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.importers.mlflow_store import build

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*noload.*"),
]


def _run(settings: Settings, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout, and stdout with stderr (MLflow logs its own lines to stderr)."""
    env = {
        "MODELGRAPH_NEO4J_URI": settings.neo4j_uri,
        "MODELGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "MODELGRAPH_NEO4J_TRANSACTION_TIMEOUT": "120",  # one entity's budget on a loaded machine
    }
    result = CliRunner().invoke(app, ["import", "mlflow", *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.output


def test_cli_imports_once_then_skips(tmp_path: Path, db: Database, settings: Settings) -> None:
    store = build(tmp_path)
    code, out, both = _run(
        settings, "--tracking-uri", store.uri, "--experiment", "churn-training", "--json"
    )
    assert code == 0, both
    first = json.loads(out)
    assert first["counts"]["experiment"]["created"] == 1  # only the one asked for
    assert first["counts"]["run"]["created"] == 2
    assert first["totals"]["failed"] == 0 and first["errors"] == []
    code, out, both = _run(settings, "--tracking-uri", store.uri, "--experiment", "churn-training")
    assert code == 0, both
    assert "run: 0 created, 0 updated, 2 skipped, 0 failed" in out


def test_cli_refuses_unknown_experiment_and_bad_since(
    tmp_path: Path, db: Database, settings: Settings
) -> None:
    store = build(tmp_path)
    code, _, both = _run(settings, "--tracking-uri", store.uri, "--experiment", "no-such")
    assert code == 1 and "no MLflow experiment named 'no-such'" in both
    code, _, both = _run(settings, "--tracking-uri", store.uri, "--since", "last tuesday")
    assert code == 2 and "--since 'last tuesday'" in both
