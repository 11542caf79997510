"""One-hop lineage links for many entities at once (the batch functions behind DataLoaders).

Each function takes a list of ids and answers with one query: id -> list of property dicts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString

from neo4j import AsyncManagedTransaction

from modelgraph.domain.principal import Principal
from modelgraph.store import access
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record


class Link(StrEnum):
    """A one-hop lineage question; each maps to one fixed query file."""

    PRODUCERS = "producers"  # executions that PRODUCED the entity
    CONSUMERS = "consumers"  # executions that consumed the entity
    DATASET_CONSUMERS = "dataset_consumers"  # executions that consumed any dataset version
    INPUTS = "inputs"  # an execution's inputs: {role, node}
    OUTPUTS = "outputs"  # an execution's outputs
    CONSUMED_DATASETS = "consumed_datasets"  # dataset versions consumed by the producing runs


_QUERIES: dict[Link, tuple[str, LiteralString]] = {
    Link.PRODUCERS: ("lineage/links_producers", query("lineage/links_producers")),
    Link.CONSUMERS: ("lineage/links_consumers", query("lineage/links_consumers")),
    Link.DATASET_CONSUMERS: (
        "lineage/links_dataset_consumers",
        query("lineage/links_dataset_consumers"),
    ),
    Link.INPUTS: ("lineage/links_inputs", query("lineage/links_inputs")),
    Link.OUTPUTS: ("lineage/links_outputs", query("lineage/links_outputs")),
    Link.CONSUMED_DATASETS: (
        "lineage/links_consumed_datasets",
        query("lineage/links_consumed_datasets"),
    ),
}
_SERVED = query("lineage/links_served")


async def _many(
    db: Database,
    name: str,
    text: LiteralString,
    ids: list[str],
    actor: Principal,
    *,
    wrapped: bool = False,
    **params: object,
) -> dict[str, list[Record]]:
    """The links of every id, leaving out linked entities ``actor`` may not read (a nested
    reference hides what a direct read would refuse, as ``entities.get_many`` does).
    ``wrapped``: items are ``{role, node}`` (an execution's inputs), not the nodes themselves."""

    def entity_id(item: Record) -> str:
        return str(item["node"]["id"] if wrapped else item["id"])

    async def work(tx: AsyncManagedTransaction) -> dict[str, list[Record]]:
        rows = await db.fetch(tx, name, text, ids=ids, **params)
        found = {row["id"]: list(row["items"]) for row in rows}
        reader = await access.reader_tx(db, tx, actor)
        linked = sorted({entity_id(item) for items in found.values() for item in items})
        hidden = await access.unreadable_tx(db, tx, reader, linked)
        if not hidden:
            return found
        return {
            key: [item for item in items if entity_id(item) not in hidden]
            for key, items in found.items()
        }

    return await db.read(work)


async def linked(
    db: Database, link: Link, ids: list[str], *, actor: Principal
) -> dict[str, list[Record]]:
    """``link`` for every id in one query; ids without links are absent."""
    name, text = _QUERIES[link]
    return await _many(db, name, text, ids, actor, wrapped=link is Link.INPUTS)


async def served(
    db: Database, ids: list[str], as_of: int | None, *, actor: Principal
) -> dict[str, list[Record]]:
    """Versions serving each deployment now (``as_of`` None) or at ``as_of``, newest first."""
    at = 2**63 - 1 if as_of is None else as_of  # "now": only open DEPLOYED_AS edges pass
    return await _many(db, "lineage/links_served", _SERVED, ids, actor, asOf=at)
