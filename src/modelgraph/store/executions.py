"""Execution inputs and outputs (lineage edges written incrementally)."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import Label, check_key
from modelgraph.store import entities
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_ADD_INPUT = query("registry/add_input")
_ADD_OUTPUT = query("registry/add_output")

# Entity kinds that may flow through executions.
LINEAGE_KINDS = frozenset(
    {
        Label.DATASET_VERSION.value,
        Label.MODEL_VERSION.value,
        Label.MODEL_ARTIFACT.value,
        Label.DOC_ARTIFACT.value,
    }
)


async def _check_endpoint(
    db: Database, tx: AsyncManagedTransaction, execution_id: str, entity_id: str
) -> None:
    await entities.require_tx(db, tx, execution_id, Label.EXECUTION, "executionId")
    node = await entities.get_tx(db, tx, entity_id)
    if node is None:
        raise NotFound(f"no entity with id {entity_id!r}", field="entityId")
    if node.get("kind") not in LINEAGE_KINDS:
        raise Invalid(
            "inputs and outputs are dataset versions, model versions or artifacts",
            field="entityId",
        )


async def add_input_tx(
    db: Database, tx: AsyncManagedTransaction, execution_id: str, entity_id: str, role: str
) -> None:
    """``(entity)-[:CONSUMED_BY {role}]->(execution)`` inside a transaction (idempotent)."""
    check_key(role, "role")
    await _check_endpoint(db, tx, execution_id, entity_id)
    await db.fetch(
        tx,
        "registry/add_input",
        _ADD_INPUT,
        executionId=execution_id,
        entityId=entity_id,
        role=role,
    )


async def add_output_tx(
    db: Database, tx: AsyncManagedTransaction, execution_id: str, entity_id: str
) -> None:
    """``(execution)-[:PRODUCED]->(entity)`` inside a transaction (idempotent)."""
    await _check_endpoint(db, tx, execution_id, entity_id)
    await db.fetch(
        tx, "registry/add_output", _ADD_OUTPUT, executionId=execution_id, entityId=entity_id
    )


async def add_input(
    db: Database, execution_id: str, entity_id: str, role: str, *, actor: str
) -> Record:
    """Record an input of an execution; returns the execution."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await add_input_tx(db, tx, execution_id, entity_id, role)
        return await entities.update_tx(db, tx, Label.EXECUTION, execution_id, {}, actor=actor)

    return await db.write(work)


async def add_output(db: Database, execution_id: str, entity_id: str, *, actor: str) -> Record:
    """Record an output of an execution; returns the execution."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await add_output_tx(db, tx, execution_id, entity_id)
        return await entities.update_tx(db, tx, Label.EXECUTION, execution_id, {}, actor=actor)

    return await db.write(work)
