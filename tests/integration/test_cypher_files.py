"""Every Cypher file compiles against the real server, and every query file is used by code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import LiteralString

import pytest

from modelgraph.store.cypher import all_files, split_statements
from modelgraph.store.db import Database

QUERY_FILES = sorted(k for k in all_files() if k.startswith("queries/"))
SCHEMA_FILES = sorted(k for k in all_files() if k.startswith("schema/"))
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", QUERY_FILES)
async def test_query_compiles(db: Database, name: str) -> None:
    """EXPLAIN plans the query without running it: syntax, functions and types are checked."""
    text: LiteralString = all_files()[name]  # type: ignore[assignment]
    async with db.driver.session(database=db.database) as session:
        result = await session.run("EXPLAIN " + text)  # type: ignore[operator]
        summary = await result.consume()
    assert summary.plan is not None


@pytest.mark.parametrize("name", SCHEMA_FILES)
async def test_schema_statements_are_applied(db: Database, name: str) -> None:
    """Each constraint/index a schema file declares exists on the server after migrate."""
    declared = [
        match.group(2)
        for statement in split_statements(all_files()[name])
        if (match := re.match(r"CREATE\s+(CONSTRAINT|(?:FULLTEXT\s+)?INDEX)\s+(\w+)", statement))
    ]
    async with db.driver.session(database=db.database) as session:
        constraints = {r["name"] async for r in await session.run("SHOW CONSTRAINTS YIELD name")}
        indexes = {r["name"] async for r in await session.run("SHOW INDEXES YIELD name")}
    missing = [n for n in declared if n not in constraints | indexes]
    assert declared and not missing


def test_every_query_file_is_referenced_by_code() -> None:
    """A query file nothing loads is dead code."""
    sources = "\n".join(
        p.read_text()
        for p in [
            *REPO.glob("src/**/*.py"),
            *REPO.glob("tests/**/*.py"),
            *REPO.glob("bench/**/*.py"),
        ]
    )
    unused = [name for name in QUERY_FILES if f'"{name.removeprefix("queries/")}"' not in sources]
    assert not unused, f"query files never loaded by name: {unused}"
