"""Per-request DataLoaders: nested lists cost one query per level, never one per item.

Loaders live in ``info.context.loaders`` and die with the request, so no cache outlives it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from modelgraph.domain.graph import Label
from modelgraph.graphql.context import Info
from modelgraph.store import entities, governance, serving
from modelgraph.store.db import Database, Record

V = TypeVar("V")
Batch = Callable[[Database, list[str]], Awaitable[dict[str, V]]]


def _loader(info: Info, name: str, batch: Batch[V], default: V) -> DataLoader[str, V]:
    loaders = info.context.loaders
    if name not in loaders:
        db = info.context.db

        async def load_fn(keys: list[str]) -> Sequence[V]:
            found = await batch(db, list(keys))
            return [found.get(k, default) for k in keys]

        loaders[name] = DataLoader(load_fn=load_fn)
    loader: DataLoader[str, V] = loaders[name]
    return loader


def node(info: Info, via: str = "") -> DataLoader[str, Record | None]:
    """Entity property dicts by id, None where the caller may not read them; ``via`` names the
    field that loads them.

    A loader per field keeps the query count of a request fixed: two fields sharing one loader
    would batch together or not depending on which of their parents' queries returned first.
    """
    actor = info.context.actor

    async def batch(db: Database, ids: list[str]) -> dict[str, Record | None]:
        return dict(await entities.get_many(db, ids, actor=actor))

    return _loader(info, f"node:{via}", batch, None)


_CHILD_KINDS: dict[str, list[Label]] = {
    "versions": [Label.MODEL_VERSION],
    "artifacts": [Label.MODEL_ARTIFACT, Label.DOC_ARTIFACT],
    "dataset_versions": [Label.DATASET_VERSION],
    "runs": [Label.EXECUTION],
    "deployments": [Label.DEPLOYMENT],
}


def children(info: Info, what: str) -> DataLoader[str, list[Record]]:
    """Children by parent id: versions, artifacts, dataset_versions, runs or deployments."""
    kinds = _CHILD_KINDS[what]

    async def batch(db: Database, ids: list[str]) -> dict[str, list[Record]]:
        return await entities.children(db, kinds, ids)

    return _loader(info, f"children:{what}", batch, [])


def transitions(info: Info) -> DataLoader[str, list[Record]]:
    """Stage transitions by version id."""
    return _loader(info, "transitions", governance.transitions, [])


def approvals(info: Info) -> DataLoader[str, list[Record]]:
    """Approvals by version id."""
    return _loader(info, "approvals", governance.approvals, [])


def aliases_by_model(info: Info) -> DataLoader[str, list[Record]]:
    """Alias assignments by model id."""
    return _loader(info, "aliases_by_model", governance.aliases_by_model, [])


def aliases_by_version(info: Info) -> DataLoader[str, list[str]]:
    """Current alias names by version id."""
    return _loader(info, "aliases_by_version", governance.aliases_by_version, [])


def metric_points(info: Info) -> DataLoader[str, list[Record]]:
    """Metric histories by owner id."""
    return _loader(info, "metric_points", governance.metric_points, [])


def deployments_by_version(info: Info) -> DataLoader[str, list[Record]]:
    """DEPLOYED_AS records by version id."""
    return _loader(info, "deployments_by_version", serving.history_by_version, [])


def deployments_by_deployment(info: Info) -> DataLoader[str, list[Record]]:
    """DEPLOYED_AS records by deployment id."""
    return _loader(info, "deployments_by_deployment", serving.history_by_deployment, [])
