"""MLflow params are text: only canonical spellings become typed hyperparameters."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip(
    "mlflow", reason="the mlflow extra is not installed: pip install -e '.[mlflow]'"
)

from modelgraph.domain.graph import ValueType
from modelgraph.domain.registry import Stage
from modelgraph.importers.mlflow import _stage_path, parse_param


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", (ValueType.INT, 6)),
        ("-12", (ValueType.INT, -12)),
        ("0", (ValueType.INT, 0)),
        ("0.1", (ValueType.FLOAT, 0.1)),
        ("1e-3", (ValueType.FLOAT, 0.001)),
        ("-2.5E2", (ValueType.FLOAT, -250.0)),
        ("True", (ValueType.BOOL, True)),
        ("false", (ValueType.BOOL, False)),
        ('{"a": 1}', (ValueType.JSON, {"a": 1})),
        ("[64, 32]", (ValueType.JSON, [64, 32])),
        # Kept as text: leading zeros, digit separators, non-finite numbers, reprs, big ints.
        ("007", (ValueType.STRING, "007")),
        ("1_000", (ValueType.STRING, "1_000")),
        ("nan", (ValueType.STRING, "nan")),
        ("inf", (ValueType.STRING, "inf")),
        ("1e999", (ValueType.STRING, "1e999")),
        ("None", (ValueType.STRING, "None")),
        ("['a', 'b']", (ValueType.STRING, "['a', 'b']")),
        ("[1, 2", (ValueType.STRING, "[1, 2")),
        ('"quoted"', (ValueType.STRING, '"quoted"')),
        (" 6", (ValueType.STRING, " 6")),
        ("", (ValueType.STRING, "")),
        (str(2**63), (ValueType.STRING, str(2**63))),
        ("adam", (ValueType.STRING, "adam")),
    ],
)
def test_parse_param(text: str, expected: tuple[ValueType, Any]) -> None:
    assert parse_param(text) == expected


@pytest.mark.parametrize(
    ("current", "target", "path"),
    [
        (Stage.DEVELOPMENT, Stage.PRODUCTION, [Stage.STAGING, Stage.PRODUCTION]),
        (Stage.DEVELOPMENT, Stage.STAGING, [Stage.STAGING]),
        (Stage.PRODUCTION, Stage.STAGING, [Stage.DEVELOPMENT, Stage.STAGING]),
        (Stage.ARCHIVED, Stage.PRODUCTION, [Stage.DEVELOPMENT, Stage.STAGING, Stage.PRODUCTION]),
        (Stage.STAGING, Stage.ARCHIVED, [Stage.ARCHIVED]),
        (Stage.STAGING, Stage.STAGING, []),
    ],
)
def test_stage_path_follows_the_workflow(current: Stage, target: Stage, path: list[Stage]) -> None:
    assert _stage_path(current, target) == path
