"""The one writer of run lineage: an execution's inputs (CONSUMED_BY) and outputs (PRODUCED)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Action
from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import FLOW_KINDS, Label, check_key
from modelgraph.domain.principal import Principal
from modelgraph.store import access, entities
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_LINK = query("registry/link_run")
_FLOW = frozenset(k.value for k in FLOW_KINDS)


@dataclass(frozen=True)
class Link:
    """A run's inputs ``(id, role)`` and outputs to record."""

    execution_id: str
    inputs: Sequence[tuple[str, str]] = ()
    outputs: Sequence[str] = ()


async def link_many_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    links: Sequence[Link],
    *,
    actor: Principal,
    where: str = "entityId",
    known: Mapping[str, Record] | None = None,
) -> None:
    """Record ``(input)-[:CONSUMED_BY {role}]->(run)`` and ``(run)-[:PRODUCED]->(output)`` edges
    for any number of runs in one statement.

    Idempotent; every endpoint is checked first (one round trip, none for the nodes the caller
    already read or wrote in this transaction and passes as ``known``: id -> node with its
    kind), so a bad id writes nothing. Permissions as deep as a deploy: EDIT on the run and on
    every output (its provenance changes), READ on every input.
    """
    if not links:
        return
    for link in links:
        for _, role in link.inputs:
            check_key(role, "role")
    runs = [link.execution_id for link in links]
    outputs = [o for link in links for o in link.outputs]
    inputs = [i for link in links for i, _ in link.inputs]
    await access.authorize_many_tx(db, tx, actor, Action.EDIT, [*runs, *outputs])
    await access.require_readable_tx(db, tx, actor, list(dict.fromkeys(inputs)))
    found = dict(known or {})
    missing = [i for i in dict.fromkeys([*runs, *inputs, *outputs]) if i not in found]
    if missing:
        found.update(await entities.get_many_tx(db, tx, missing))
    for execution_id in runs:
        run = found.get(execution_id)
        if run is None or run.get("kind") != Label.EXECUTION.value:
            raise NotFound(f"no Execution with id {execution_id!r}", field="executionId")
    for entity_id in [*inputs, *outputs]:
        node = found.get(entity_id)
        if node is None:
            raise NotFound(f"no entity with id {entity_id!r}", field=where)
        if node.get("kind") not in _FLOW:
            raise Invalid(
                f"{entity_id!r} is a {node.get('kind')}; inputs and outputs are dataset versions, "
                "model versions or artifacts",
                field=where,
            )
    await db.fetch(
        tx,
        "registry/link_run",
        _LINK,
        links=[
            {
                "executionId": link.execution_id,
                "inputs": [{"id": i, "role": r} for i, r in link.inputs],
                "outputs": list(link.outputs),
            }
            for link in links
        ],
    )


async def link_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    execution_id: str,
    inputs: Sequence[tuple[str, str]] = (),
    outputs: Sequence[str] = (),
    *,
    actor: Principal,
    where: str = "entityId",
    known: Mapping[str, Record] | None = None,
) -> None:
    """One run's inputs and outputs (:func:`link_many_tx`)."""
    await link_many_tx(
        db, tx, [Link(execution_id, inputs, outputs)], actor=actor, where=where, known=known
    )


async def add_input(
    db: Database, execution_id: str, entity_id: str, role: str, *, actor: Principal
) -> Record:
    """Record an input of an execution; returns the execution."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await link_tx(db, tx, execution_id, inputs=[(entity_id, role)], actor=actor)
        return await entities.update_tx(db, tx, Label.EXECUTION, execution_id, {}, actor=actor)

    return await db.write(work)


async def add_output(
    db: Database, execution_id: str, entity_id: str, *, actor: Principal
) -> Record:
    """Record an output of an execution; returns the execution."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await link_tx(db, tx, execution_id, outputs=[entity_id], actor=actor)
        return await entities.update_tx(db, tx, Label.EXECUTION, execution_id, {}, actor=actor)

    return await db.write(work)


_CHILD = query("openlineage/link_child_run")


async def link_children_tx(
    db: Database, tx: AsyncManagedTransaction, pairs: Sequence[tuple[str, str]]
) -> None:
    """The one writer of run hierarchy: ``(parent)-[:HAS_CHILD_RUN]->(child)`` for each
    ``(parent_id, child_id)`` pair, in one round trip (idempotent)."""
    if not pairs:
        return
    for parent_id, child_id in pairs:
        if parent_id == child_id:
            raise Invalid("a run cannot be its own parent", field="run.facets.parent.run.runId")
    rows = await db.fetch(
        tx,
        "openlineage/link_child_run",
        _CHILD,
        pairs=[{"parentId": p, "childId": c} for p, c in pairs],
    )
    linked = {row["i"] for row in rows}
    for index, (parent_id, child_id) in enumerate(pairs):
        if index not in linked:
            raise NotFound(
                f"no Execution with id {parent_id!r} or {child_id!r}", field="executionId"
            )
