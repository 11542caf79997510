"""Schema migrations: ordered, idempotent, recorded with checksums, refusing edited files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modelgraph.domain.errors import FailedPrecondition
from modelgraph.store import migrations
from modelgraph.store.cypher import all_files
from modelgraph.store.db import Database


async def test_migrate_is_idempotent(db: Database) -> None:
    assert await migrations.migrate(db) == []
    current = await migrations.status(db)
    assert current.up_to_date
    assert current.applied == [f.name for f in migrations.load_files()]


async def test_changed_applied_file_is_refused_by_name(db: Database) -> None:
    first = migrations.load_files()[0]
    async with db.driver.session(database=db.database) as session:
        await session.run("MATCH (m:_Migration {name: $n}) SET m.checksum = 'edited'", n=first.name)
    try:
        current = await migrations.status(db)
        assert current.changed == [first.name] and not current.up_to_date
        with pytest.raises(FailedPrecondition, match=first.name):
            await migrations.migrate(db)
    finally:
        async with db.driver.session(database=db.database) as session:
            await session.run(
                "MATCH (m:_Migration {name: $n}) SET m.checksum = $c",
                n=first.name,
                c=first.checksum,
            )
    assert (await migrations.status(db)).up_to_date


@pytest.fixture
def cypher_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "schema").mkdir()
    (tmp_path / "queries").mkdir()
    monkeypatch.setenv("MODELGRAPH_CYPHER_DIR", str(tmp_path))
    all_files.cache_clear()
    yield tmp_path
    all_files.cache_clear()


def test_non_idempotent_schema_statement_is_refused(cypher_dir: Path) -> None:
    (cypher_dir / "schema" / "0001_bad.cypher").write_text(
        "CREATE CONSTRAINT c FOR (n:X) REQUIRE n.id IS UNIQUE"
    )
    with pytest.raises(ValueError, match="if not exists"):
        migrations.load_files()


def test_schema_file_names_are_checked(cypher_dir: Path) -> None:
    (cypher_dir / "schema" / "first.cypher").write_text(
        "CREATE INDEX i IF NOT EXISTS FOR (n:X) ON (n.id)"
    )
    with pytest.raises(ValueError, match="NNNN_name"):
        migrations.load_files()
