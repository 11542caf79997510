"""schema.graphql is the exported schema; it must not drift from the code."""

from __future__ import annotations

from pathlib import Path

from modelgraph.graphql.export import sdl

REPO = Path(__file__).resolve().parents[2]


def test_schema_graphql_is_up_to_date() -> None:
    exported = (REPO / "schema.graphql").read_text()
    assert exported == sdl(), "schema.graphql is stale: run `make schema` and commit it"
