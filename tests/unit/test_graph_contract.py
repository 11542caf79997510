"""The graph contract lives in domain/graph.py: no other Python module spells a kind, a
relationship type or a property prefix (Cypher files are exempt: they name labels as text)."""

from __future__ import annotations

import ast
from pathlib import Path

from modelgraph.domain.graph import ENV_PREFIX, METRIC_PREFIX, Family, Label, RecordKind, Rel

SRC = Path(__file__).resolve().parents[2] / "src" / "modelgraph"
CONTRACT = SRC / "domain" / "graph.py"
NAMES = {k.value for k in Label} | {r.value for r in Rel} | {k.value for k in RecordKind}
PREFIXES = (
    METRIC_PREFIX,
    ENV_PREFIX,
    *(p for f in Family for p in (f.scalar_prefix, f.json_prefix)),
)
# Files other engineers own this round; each literal is listed so that new ones still fail.
KNOWN = {
    "store/lineage.py": ["DEPLOYED_AS"],
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of string constants that are docstrings or bare expression statements."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def contract_literals(path: Path) -> list[str]:
    """Kind, relationship and prefix literals in one Python file, in order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) not in skip and (node.value in NAMES or node.value.startswith(PREFIXES)):
            found.append(node.value)
    return found


def test_no_contract_literal_outside_the_contract_module() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        if path == CONTRACT:
            continue
        found = contract_literals(path)
        rel = path.relative_to(SRC).as_posix()
        if sorted(found) != sorted(KNOWN.get(rel, [])):
            offenders[rel] = found
    assert offenders == {}


def test_the_check_finds_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docs may say ModelVersion."""\nKIND = "ModelVersion"\nP = "cp." + "x"\n')
    assert contract_literals(sample) == ["ModelVersion", "cp."]
