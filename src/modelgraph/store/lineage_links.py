"""One-hop lineage links for many entities at once (the batch functions behind DataLoaders).

Each function takes a list of ids and answers with one query: id -> list of property dicts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString

from neo4j import AsyncManagedTransaction

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
    db: Database, name: str, text: LiteralString, ids: list[str], **params: object
) -> dict[str, list[Record]]:
    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(tx, name, text, ids=ids, **params)

    return {row["id"]: row["items"] for row in await db.read(work)}


async def linked(db: Database, link: Link, ids: list[str]) -> dict[str, list[Record]]:
    """``link`` for every id in one query; ids without links are absent."""
    name, text = _QUERIES[link]
    return await _many(db, name, text, ids)


async def served(db: Database, ids: list[str], as_of: int | None) -> dict[str, list[Record]]:
    """Versions serving each deployment now (``as_of`` None) or at ``as_of``, newest first."""
    at = 2**63 - 1 if as_of is None else as_of  # "now": only open DEPLOYED_AS edges pass
    return await _many(db, "lineage/links_served", _SERVED, ids, asOf=at)
