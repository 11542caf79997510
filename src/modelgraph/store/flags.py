"""Flagging a bad dataset version: the mark and one ``impact.flagged`` event per live deployment."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import Label
from modelgraph.domain.ids import now_ms
from modelgraph.domain.principal import Principal
from modelgraph.store import entities, events, lineage
from modelgraph.store.db import Database, Record

MAX_REASON = 2_000


@dataclass(frozen=True)
class Flagged:
    """The flagged dataset version and the live deployments its flag notified."""

    dataset_version: Record
    deployments: list[Record]
    truncated: bool


async def flag_dataset_version(
    db: Database, ref: str, reason: str, principal: Principal
) -> Flagged:
    """Mark ``ref`` (a DatasetVersion) bad and emit events, all in one transaction.

    The affected deployments are exactly what ``impact(ref, liveOnly: true)`` returns.
    """
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise Invalid(f"reason must be 1-{MAX_REASON} characters", field="reason")

    async def work(tx: AsyncManagedTransaction) -> Flagged:
        root = await lineage.resolve_tx(db, tx, ref)
        if root.kind != Label.DATASET_VERSION.value:
            raise Invalid(f"ref {ref!r} is a {root.kind}, not a DatasetVersion", field="ref")
        marked = await entities.update_tx(
            db,
            tx,
            Label.DATASET_VERSION,
            root.id,
            {
                "flagged": True,
                "flagReason": reason,
                "flaggedAt": now_ms(),
                "flaggedBy": principal.id,
            },
            actor=principal,
        )
        await events.record(
            tx, EventType.DATASET_VERSION_FLAGGED, marked, principal, {"reason": reason}
        )
        # Live only: the walk follows the deployments serving now.
        request = lineage.WalkRequest(
            lineage.Direction.DOWNSTREAM,
            live_only=True,
            node_types=(Label.MODEL_VERSION, Label.DEPLOYMENT),
            limit=lineage.MAX_NODES,
            full=False,
        )
        graph = await lineage.walk_tx(db, tx, root.id, request)
        deployments = [item.props for item in graph.of_kind(Label.DEPLOYMENT)]
        # A model-scoped webhook fires for the deployments serving any of its versions.
        model_of = {
            v.id: str(v.props.get("parentId") or "") for v in graph.of_kind(Label.MODEL_VERSION)
        }
        for item in graph.of_kind(Label.DEPLOYMENT):
            payload = {
                "datasetVersionId": root.id,
                "datasetVersion": root.name,
                "reason": reason,
                "distance": item.distance,
                "path": item.path,
            }
            scope = [
                str(marked.get("parentId") or ""),
                *item.path,
                *(model_of[i] for i in item.path if i in model_of),
            ]
            await events.record(
                tx, EventType.IMPACT_FLAGGED, item.props, principal, payload, scope=scope
            )
        return Flagged(marked, deployments, graph.truncated)

    return await db.write(work)
