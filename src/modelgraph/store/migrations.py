"""Applies ``cypher/schema/NNNN_*.cypher`` in order, once each, guarded by checksums."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import FailedPrecondition
from modelgraph.store import access, kubeflow
from modelgraph.store.cypher import query, schema_files, split_statements
from modelgraph.store.db import Database

_APPLIED = query("migrations/applied")
_RECORD = query("migrations/record")
_NAME_RE = re.compile(r"^\d{4}_[a-z0-9_]+\.cypher$")
_IDEMPOTENT_RE = re.compile(
    r"^\s*(CREATE\s+(CONSTRAINT|(RANGE |TEXT |POINT |FULLTEXT )?INDEX)\b.*\bIF\s+NOT\s+EXISTS\b"
    r"|DROP\s+(CONSTRAINT|INDEX)\s+\w+\s+IF\s+EXISTS\s*$)",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class MigrationFile:
    """One schema file with its checksum."""

    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    """Which schema files are applied, pending, or changed after they were applied."""

    applied: list[str]
    pending: list[str]
    changed: list[str]

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.changed


def load_files() -> list[MigrationFile]:
    """Schema files in order; refuses names out of pattern and non-idempotent statements."""
    files = []
    for name, text in schema_files():
        file_name = f"{name}.cypher"
        if not _NAME_RE.match(file_name):
            raise ValueError(f"schema file {file_name} does not match NNNN_name.cypher")
        for statement in split_statements(text):
            if not _IDEMPOTENT_RE.match(statement):
                raise ValueError(
                    f"schema file {file_name}: only idempotent constraint/index statements "
                    f"(create ... if not exists, drop ... if exists) are allowed, got: "
                    f"{statement.splitlines()[0]}"
                )
        files.append(MigrationFile(file_name, text))
    return files


async def status(db: Database) -> MigrationStatus:
    """Compare the schema files with what the graph records as applied."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, str]:
        rows = await db.fetch(tx, "migrations/applied", _APPLIED)
        return {row["name"]: row["checksum"] for row in rows}

    recorded = await db.read(work)
    files = load_files()
    applied = [f.name for f in files if f.name in recorded]
    pending = [f.name for f in files if f.name not in recorded]
    changed = [f.name for f in files if f.name in recorded and recorded[f.name] != f.checksum]
    return MigrationStatus(applied=applied, pending=pending, changed=changed)


async def migrate(db: Database) -> list[str]:
    """Apply pending files in order and return their names; refuse if an applied one changed."""
    current = await status(db)
    if current.changed:
        raise FailedPrecondition(
            "schema file(s) changed after they were applied: "
            + ", ".join(current.changed)
            + "; add a new NNNN_*.cypher file instead of editing an applied one"
        )
    done: list[str] = []
    for migration in load_files():
        if migration.name not in current.pending:
            continue
        for statement in split_statements(migration.text):
            # Schema commands cannot share a transaction with writes: one auto-commit each.
            async with db.driver.session(database=db.database) as session:
                db.round_trips.add(f"schema/{migration.name}")
                await (await session.run(statement)).consume()

        async def record(tx: AsyncManagedTransaction, m: MigrationFile = migration) -> None:
            await db.fetch(tx, "migrations/record", _RECORD, name=m.name, checksum=m.checksum)

        await db.write(record)
        done.append(migration.name)
    # Data backfill (schema files hold only idempotent schema commands): Kubeflow ids for nodes
    # written before every writer stamped them. Idempotent, so it runs on every migrate.
    await kubeflow.assign_ids(db)
    # Graphs written before read permissions: mark models/experiments without an everyone grant.
    await access.sync_restricted_all(db)
    return done
