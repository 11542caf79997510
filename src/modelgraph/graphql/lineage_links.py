"""DataLoaders for the nested lineage fields of the registry types (graphql/types.py).

Each loader batches every id asked for in one resolution level into one query
(store/lineage_links.py) and lives in ``info.context.loaders`` for one request only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from modelgraph.graphql.context import Info
from modelgraph.store import lineage_links
from modelgraph.store.db import Record
from modelgraph.store.lineage_links import Link

if TYPE_CHECKING:
    from modelgraph.graphql.types import Entity


def _loader(info: Info, key: str, batch: Any) -> DataLoader[str, list[Record]]:
    loaders = info.context.loaders
    if key not in loaders:

        async def load_fn(ids: list[str]) -> Sequence[list[Record]]:
            found: dict[str, list[Record]] = await batch(list(ids))
            return [found.get(i, []) for i in ids]

        loaders[key] = DataLoader(load_fn=load_fn)
    loader: DataLoader[str, list[Record]] = loaders[key]
    return loader


def link(info: Info, which: Link) -> DataLoader[str, list[Record]]:
    """The per-request loader of one lineage link (producers, consumers, inputs, ...)."""
    db = info.context.db

    async def batch(ids: list[str]) -> dict[str, list[Record]]:
        return await lineage_links.linked(db, which, ids, actor=info.context.actor)

    return _loader(info, f"lineage:{which.value}", batch)


def served(info: Info, as_of: int | None) -> DataLoader[str, list[Record]]:
    """The per-request loader of serving versions, one per ``as_of`` value."""
    db = info.context.db

    async def batch(ids: list[str]) -> dict[str, list[Record]]:
        return await lineage_links.served(db, ids, as_of, actor=info.context.actor)

    return _loader(info, f"lineage:served:{as_of}", batch)


@strawberry.type(description="An input of a run and the role it played.")
class ExecutionInput:
    role: str | None
    _props: strawberry.Private[dict[str, Any]] = dataclasses.field(default_factory=dict)

    @strawberry.field(description="The consumed entity (dataset version, model version, ...).")
    def entity(self) -> Annotated[Entity, strawberry.lazy("modelgraph.graphql.types")]:
        from modelgraph.graphql.types import entity_from_node

        return entity_from_node(self._props)


async def execution_inputs(info: Info, execution_id: str) -> list[ExecutionInput]:
    """Inputs of one execution (batched with its siblings)."""
    rows = await link(info, Link.INPUTS).load(execution_id)
    return [ExecutionInput(role=r["role"], _props=r["node"]) for r in rows]


__all__ = ["ExecutionInput", "Link", "execution_inputs", "link", "served"]
