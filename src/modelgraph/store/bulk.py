"""Batched loading of entities and edges that follow the graph contract (docs/graph-model.md).

Used by test factories and the benchmark generator: ``UNWIND $rows`` statements of at most
:data:`CHUNK` rows, each chunk in its own write transaction so a million rows never make one
huge transaction. Endpoints are matched by ``id`` through the unique ``:Entity(id)`` index.
Every statement is idempotent (MERGE on ids / natural keys), so a reload changes nothing.
Each node a chunk creates records its created event (store/events.py) in the chunk's own
transaction, batched in the same statement: a reloaded node records none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import EVERYONE
from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import PARENTS, Label, Rel, actor_id, check_name, stamp_new
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import SYSTEM, Principal
from modelgraph.domain.registry import Stage
from modelgraph.store import events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

CHUNK = 5_000

_NODES = query("bulk/nodes")


# Relationship kinds the loader writes; each maps to one fixed query file. DEPLOYED_AS rows carry
# `since`, `until`, `by`; CONSUMED_BY rows carry `role`.
Edge = Rel


_EDGE_FILES: dict[Rel, str] = {
    Edge.HAS_VERSION: "bulk/edges_has_version",
    Edge.HAS_ARTIFACT: "bulk/edges_has_artifact",
    Edge.HAS_RUN: "bulk/edges_has_run",
    Edge.HOSTS: "bulk/edges_hosts",
    Edge.CONSUMED_BY: "bulk/edges_consumed_by",
    Edge.PRODUCED: "bulk/edges_produced",
    Edge.DEPLOYED_AS: "bulk/edges_deployed_as",
}
_EDGES: dict[Rel, tuple[str, LiteralString]] = {
    edge: (name, query(name)) for edge, name in _EDGE_FILES.items()
}
_ALIASES = ("bulk/alias_assignments", query("bulk/alias_assignments"))
_APPROVALS = ("bulk/approvals", query("bulk/approvals"))


def chunks(rows: Sequence[Mapping[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """Consecutive slices of at most ``size`` rows."""
    for start in range(0, len(rows), size):
        yield [dict(row) for row in rows[start : start + size]]


async def _load(
    db: Database,
    name: str,
    text: LiteralString,
    rows: Sequence[Mapping[str, Any]],
    per_row: Sequence[Mapping[str, Any]] | None = None,
    **params: Any,
) -> int:
    """Write ``rows`` chunk by chunk; ``per_row[i]`` (the events of row i) goes with its chunk."""
    written = 0
    for start, part in enumerate(chunks(rows)):
        extra = {}
        if per_row is not None:
            extra["events"] = list(per_row[start * CHUNK : start * CHUNK + len(part)])

        async def work(
            tx: AsyncManagedTransaction, part: list[dict[str, Any]] = part, extra: Any = extra
        ) -> int:
            row = await db.fetch_one(tx, name, text, rows=part, **extra, **params)
            return int(row["written"]) if row else 0

        count = await db.write(work)
        if count != len(part):
            # An edge row whose endpoint does not exist matches nothing: a caller bug, not silence.
            raise NotFound(f"{name}: {len(part) - count} of {len(part)} rows matched no endpoint")
        written += count
    return written


async def load_nodes(
    db: Database, kind: Label, rows: Sequence[Mapping[str, Any]], actor: Principal = SYSTEM
) -> int:
    """MERGE ``kind`` nodes by ``id`` and set their properties; common fields a row leaves out
    are stamped as :func:`domain.graph.stamp_new` does, and each new node gets its Kubeflow id."""
    at = now_ms()
    stamped = []
    recorded = []
    for row in rows:
        if not row.get("id"):
            raise Invalid("every node row needs an id", field="id")
        check_name(row.get("name"))
        full = {**stamp_new(kind, str(row["id"]), at, actor), **row}
        stamped.append(full)
        recorded.append(events.created_row(kind, full))
    written = await _load(
        db,
        "bulk/nodes",
        _NODES,
        stamped,
        recorded,
        kind=kind.value,
        principal=actor_id(actor),
        at=at,
        everyone=EVERYONE,
    )
    # New models and experiments got their grants and read label in the chunk's statement
    # (access/_creator_grants); reloaded ones keep theirs.
    return written


async def load_edges(db: Database, edge: Rel, rows: Sequence[Mapping[str, Any]]) -> int:
    """MERGE ``edge`` relationships; rows are ``{source, target, ...edge properties}``."""
    name, text = _EDGES[edge]
    return await _load(db, name, text, rows)


async def load_aliases(db: Database, rows: Sequence[Mapping[str, Any]]) -> int:
    """AliasAssignment chains; rows are ``{modelId, versionId, alias, since, until, by}``."""
    return await _load(db, *_ALIASES, rows)


async def load_approvals(db: Database, rows: Sequence[Mapping[str, Any]]) -> int:
    """Approval records; rows are ``{id, versionId, stage, by, at, comment}``."""
    return await _load(db, *_APPROVALS, rows)


@dataclass
class GraphBatch:
    """Collects contract-shaped nodes and edges in memory, then loads them in bulk.

    ``node()`` stamps the common fields as every writer does (id, kind, state, tags, times,
    author/updatedBy) and, given a parent, sets ``parentId`` and the parent edge.
    """

    clock: int = field(default_factory=now_ms)
    actor: Principal = SYSTEM
    nodes: dict[Label, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[Edge, list[dict[str, Any]]] = field(default_factory=dict)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)

    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def node(self, kind: Label, name: str, parent: str | None = None, **props: Any) -> str:
        """Add one node; returns its id (``props`` may override any default, e.g. createdAt)."""
        row = stamp_new(kind, new_id(), self._tick(), self.actor)
        row["name"] = check_name(name)
        if kind is Label.MODEL_VERSION:
            row["stage"] = Stage.DEVELOPMENT.value
        if parent is not None:
            row["parentId"] = parent
        row.update(props)
        self.nodes.setdefault(kind, []).append(row)
        if parent is not None:
            self.edge(PARENTS[kind].rel, parent, row["id"])
        return str(row["id"])

    def edge(self, edge: Edge, source: str, target: str, **props: Any) -> None:
        """Add one relationship ``(source)-[edge]->(target)``."""
        self.edges.setdefault(edge, []).append({"source": source, "target": target, **props})

    def consumed(self, input_id: str, execution_id: str, role: str = "input") -> None:
        """``(input)-[:CONSUMED_BY {role}]->(execution)``."""
        self.edge(Edge.CONSUMED_BY, input_id, execution_id, role=role)

    def produced(self, execution_id: str, output_id: str) -> None:
        """``(execution)-[:PRODUCED]->(output)``."""
        self.edge(Edge.PRODUCED, execution_id, output_id)

    def deployed(
        self,
        version_id: str,
        deployment_id: str,
        since: int,
        until: int | None = None,
        by: str = "loader",
    ) -> None:
        """``(version)-[:DEPLOYED_AS {since, until, by}]->(deployment)``, shaped as deploy_tx."""
        closed_by = by if until is not None else None
        self.edge(
            Edge.DEPLOYED_AS,
            version_id,
            deployment_id,
            id=new_id(),
            since=since,
            until=until,
            by=by,
            closedBy=closed_by,
        )

    def alias(
        self,
        model_id: str,
        version_id: str,
        alias: str,
        since: int,
        until: int | None = None,
        by: str = "loader",
    ) -> None:
        """One AliasAssignment of ``alias`` to a version, valid from ``since`` to ``until``."""
        self.aliases.append(
            {
                "modelId": model_id,
                "versionId": version_id,
                "alias": alias,
                "since": since,
                "until": until,
                "by": by,
            }
        )

    def approval(self, version_id: str, stage: str, by: str = "loader", at: int = 0) -> str:
        """One Approval record of a version for ``stage``; returns its id."""
        approval_id = new_id()
        self.approvals.append(
            {
                "id": approval_id,
                "versionId": version_id,
                "stage": stage,
                "by": by,
                "at": at or self._tick(),
                "comment": None,
            }
        )
        return approval_id

    def size(self) -> int:
        """Number of nodes collected so far."""
        return sum(len(rows) for rows in self.nodes.values())

    async def load(self, db: Database) -> int:
        """Write everything (nodes first, then edges) and empty the batch; returns rows written."""
        written = 0
        for kind, rows in self.nodes.items():
            written += await load_nodes(db, kind, rows, self.actor)
        for edge, rows in self.edges.items():
            written += await load_edges(db, edge, rows)
        written += await load_aliases(db, self.aliases) if self.aliases else 0
        written += await load_approvals(db, self.approvals) if self.approvals else 0
        self.nodes, self.edges, self.aliases, self.approvals = {}, {}, [], []
        return written
