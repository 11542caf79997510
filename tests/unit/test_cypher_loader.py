"""The Cypher loader's static includes and search bounds, on a cypher tree of the test's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from modelgraph.store import cypher
from modelgraph.store.cypher import SEARCH_BOUNDS, all_files, all_queries, query


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """Write ``cypher/queries/<name>.cypher`` files into a fresh tree the loader reads."""
    monkeypatch.setenv("MODELGRAPH_CYPHER_DIR", str(tmp_path))

    def write(name: str, text: str) -> None:
        path = tmp_path / "queries" / f"{name}.cypher"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        all_files.cache_clear()

    yield write
    all_files.cache_clear()


def test_include_is_inlined_without_its_header(tree: Callable[[str, str], None]) -> None:
    tree("a/_live", "// header, dropped\n// more header\nn.state = 'LIVE'\n")
    tree("a/find", "// a query\nMATCH (n)\nWHERE {{> a/_live}} AND n.x = $x\nRETURN n;\n")
    assert query("a/find") == "// a query\nMATCH (n)\nWHERE n.state = 'LIVE' AND n.x = $x\nRETURN n"


def test_nested_includes_and_bounds(tree: Callable[[str, str], None]) -> None:
    tree("w/_hop", "(a)-[*1..{{bound}}]->(b)")
    tree("w/_match", "MATCH p = {{> w/_hop}}")
    tree("w/walk", "{{> w/_match}}\nRETURN p")
    assert query("w/walk", bound=20) == "MATCH p = (a)-[*1..20]->(b)\nRETURN p"
    assert query("w/walk_d20") == query("w/walk", bound=20)  # the name round trips count
    with pytest.raises(ValueError, match="needs a bound"):
        query("w/walk_d7")
    assert cypher.is_bounded("w/walk")
    assert {k for k in all_queries() if k.startswith("w/")} == {
        f"w/walk_d{b}" for b in SEARCH_BOUNDS
    }


def test_a_bound_comes_only_from_the_fixed_set(tree: Callable[[str, str], None]) -> None:
    tree("w/walk", "MATCH (a)-[*1..{{bound}}]->(b) RETURN b")
    with pytest.raises(ValueError, match="needs a bound"):
        query("w/walk")
    with pytest.raises(ValueError, match="needs a bound"):
        query("w/walk", bound=7)
    tree("w/plain", "RETURN 1")
    with pytest.raises(ValueError, match="no \\{\\{bound\\}\\} marker"):
        query("w/plain", bound=5)


def test_refused_includes(tree: Callable[[str, str], None]) -> None:
    tree("c/_a", "{{> c/_b}}")
    tree("c/_b", "{{> c/_a}}")
    tree("c/loop", "{{> c/_a}}")
    with pytest.raises(ValueError, match="include cycle"):
        query("c/loop")
    tree("c/other", "RETURN 1")
    tree("c/uses_query", "{{> c/other}}")
    with pytest.raises(ValueError, match="not a _fragment"):
        query("c/uses_query")
    tree("c/missing", "{{> c/_nope}}")
    with pytest.raises(KeyError, match="included by cypher/queries/c/missing"):
        query("c/missing")
    tree("c/unknown", "RETURN {{depth}}")
    with pytest.raises(ValueError, match="unknown marker"):
        query("c/unknown")
    tree("c/escape", "{{> ../schema/x}}")
    with pytest.raises(ValueError, match="malformed marker"):
        query("c/escape")


def test_a_fragment_is_not_a_query(tree: Callable[[str, str], None]) -> None:
    tree("f/_part", "n.x = 1")
    with pytest.raises(KeyError, match="no Cypher query named"):
        query("f/_part")
    assert "f/_part" not in all_queries()
