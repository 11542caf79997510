"""Schema migrations: ordered, idempotent, recorded with checksums, refusing edited files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modelgraph.domain.access import EVERYONE
from modelgraph.domain.errors import FailedPrecondition
from modelgraph.store import access, kubeflow, migrations
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


async def test_backfills_run_in_bounded_batches_until_done(db: Database) -> None:
    # A graph written by an offline import: no Kubeflow ids, no parent ids, no read labels.
    async with db.driver.session(database=db.database) as session:
        await session.run(
            """UNWIND range(1, 5) AS m
            CREATE (model:Entity:RegisteredModel {id: 'm' + m, kind: 'RegisteredModel',
                                                 name: 'm' + m, createdAt: m})
            WITH model, m
            UNWIND range(1, 2) AS v
            CREATE (model)-[:HAS_VERSION]->(:Entity:ModelVersion {id: model.id + 'v' + v,
              kind: 'ModelVersion', name: 'v' + v, parentId: model.id, createdAt: 10 + m})"""
        )
        await session.run(
            """CREATE (:Entity:Experiment {id: 'x1', kind: 'Experiment', name: 'x1', createdAt: 0})
            CREATE (:AccessGrant {resourceId: 'm1', subjectType: 'GROUP', subject: $everyone,
                                  permission: 'READ'})""",
            everyone=EVERYONE,
        )
    assert await kubeflow.assign_ids(db, batch=2) == 16
    assert await access.sync_restricted_all(db, batch=2) == 5
    async with db.driver.session(database=db.database) as session:
        rows = await (
            await session.run(
                """MATCH (n:Entity) OPTIONAL MATCH (p:Entity {id: n.parentId})
                RETURN n.id AS id, n.kfId AS kfId, n.kfParentId AS parent, p.kfId AS expected,
                       n:ReadRestricted AS restricted ORDER BY n.kfId"""
            )
        ).data()
    assert [r["kfId"] for r in rows] == list(range(1, 17))
    assert rows[0]["id"] == "x1"  # oldest first
    assert all(r["parent"] == r["expected"] for r in rows)
    assert {r["id"] for r in rows if r["restricted"]} == {"x1", "m2", "m3", "m4", "m5"}
    # Nothing left to do: a second pass changes nothing.
    assert await kubeflow.assign_ids(db, batch=2) == 0
    assert await access.sync_restricted_all(db, batch=2) == 0


def test_a_schema_file_may_drop_what_an_earlier_one_created(cypher_dir: Path) -> None:
    (cypher_dir / "schema" / "0001_first.cypher").write_text(
        "CREATE INDEX i IF NOT EXISTS FOR (n:X) ON (n.id)"
    )
    (cypher_dir / "schema" / "0002_second.cypher").write_text("DROP INDEX i IF EXISTS")
    assert [m.name for m in migrations.load_files()] == ["0001_first.cypher", "0002_second.cypher"]
    (cypher_dir / "schema" / "0003_third.cypher").write_text("DROP INDEX i")
    all_files.cache_clear()
    with pytest.raises(ValueError, match=r"got: DROP INDEX i$"):
        migrations.load_files()
