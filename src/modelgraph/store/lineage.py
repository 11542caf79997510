"""Lineage questions: trace (upstream), impact (downstream), the lineage subgraph, diff and gaps.

Every traversal is one bounded variable-length pattern (``ANY SHORTEST`` over
``CONSUMED_BY|PRODUCED`` plus the ``DEPLOYED_AS`` hop) in one query file per direction, expanded
by the loader per search bound (5, 10, 20 or 50 hops: the smallest bound >= maxDepth, since a
bound cannot be a parameter): each distinct node comes back once, with its shortest distance and
one shortest path. A :class:`WalkRequest` carries one question from the face down to the query.
Parameters always keep one type (sentinels, never None) so a warm service never re-plans; see
:func:`warm_up`. Callers that need neither every property nor paths say so (``full``, ``paths``)
and get slim node maps, which the driver decodes several times faster.

Ref grammar (``resolve``), tried together; an id match wins, otherwise the match must be unique:

    <id>                     any entity by id
    <name>                   a Deployment, Dataset, RegisteredModel, Experiment,
                             ServingEnvironment or Execution by name
    <parent>:<version>       a ModelVersion (model:version) or DatasetVersion (dataset:version)
    <environment>/<name>     a Deployment within its serving environment
    <model>@<alias>          the ModelVersion holding an alias (at ``as_of``; now when omitted)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid, NotFound
from modelgraph.domain.graph import (
    ENV_PREFIX,
    METRIC_PREFIX,
    Family,
    Label,
    ValueType,
    decode_family,
)
from modelgraph.domain.principal import SYSTEM, Principal
from modelgraph.observability import metrics
from modelgraph.store import access
from modelgraph.store.cypher import SEARCH_BOUNDS, bounded_name, query
from modelgraph.store.db import Database, Record

BOUNDS = SEARCH_BOUNDS  # search bounds of the bounded query files
MAX_DEPTH = BOUNDS[-1]
MAX_NODES = 5_000
DEFAULT_NODES = 1_000
MAX_REF_LENGTH = 600

_RESOLVE = query("lineage/resolve")
_GAP_UNTRAINED = query("lineage/gaps_deployed_without_training_data")
_GAP_UNAPPROVED = query("lineage/gaps_production_without_approval")


class Direction(StrEnum):
    """Which way to walk lineage edges; each maps to one fixed query file."""

    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


_WALK_FILES = {
    Direction.UPSTREAM: "lineage/upstream",
    Direction.DOWNSTREAM: "lineage/downstream",
    Direction.BOTH: "lineage/both",
}


def _variants(name: str) -> dict[int, tuple[str, LiteralString]]:
    return {b: (bounded_name(name, b), query(name, bound=b)) for b in BOUNDS}


_WALK = {direction: _variants(name) for direction, name in _WALK_FILES.items()}
_COUNTS = _variants("lineage/impact_counts")


def search_bound(max_depth: int) -> int:
    """The smallest query-file bound that reaches ``max_depth`` hops."""
    check_bounds(max_depth, 1)
    return next(bound for bound in BOUNDS if max_depth <= bound)


class DeployMode(StrEnum):
    """Which DEPLOYED_AS edges a walk follows."""

    ANY = "ANY"  # the whole history
    CURRENT = "CURRENT"  # serving now (until IS NULL)
    AT = "AT"  # serving at as_of


_MIN_TIME, _MAX_TIME = -(2**63), 2**63 - 1


def time_window(mode: DeployMode, as_of: int | None) -> dict[str, int]:
    """Query parameters of the time filter: ``createdMax`` and the DEPLOYED_AS edge window.

    An edge passes when ``since <= edgeHi`` and ``coalesce(until, MAX) > edgeLo``.
    """
    created_max = _MAX_TIME if as_of is None else as_of
    if mode is DeployMode.AT:
        if as_of is None:
            raise Invalid("asOf is required", field="asOf")
        return {"createdMax": created_max, "edgeLo": as_of, "edgeHi": as_of}
    if mode is DeployMode.CURRENT:
        return {"createdMax": created_max, "edgeLo": _MAX_TIME - 1, "edgeHi": _MAX_TIME}
    return {"createdMax": created_max, "edgeLo": _MIN_TIME, "edgeHi": _MAX_TIME}


@dataclass(frozen=True)
class Resolved:
    """The entity a ref names."""

    id: str
    kind: str
    name: str


@dataclass(frozen=True)
class LineageItem:
    """One node of a lineage answer: its properties, distance in hops and one shortest path.

    ``restricted``: the caller may not read it, so ``props`` hold only its id and kind.
    """

    props: Record
    distance: int
    path: list[str]
    parent_name: str | None = None
    restricted: bool = False

    @property
    def id(self) -> str:
        return str(self.props["id"])

    @property
    def kind(self) -> str:
        return str(self.props.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.props.get("name", ""))

    def placeholder(self) -> LineageItem:
        """What a caller without READ sees: id, kind, distance and path; nothing of its own."""
        return LineageItem(
            {"id": self.id, "kind": self.kind}, self.distance, self.path, restricted=True
        )

    @property
    def label(self) -> str:
        """``parent:name`` for versions, the name otherwise."""
        if self.parent_name and self.kind in (Label.MODEL_VERSION, Label.DATASET_VERSION):
            return f"{self.parent_name}:{self.name}"
        return self.name


@dataclass(frozen=True)
class LineageEdge:
    """One relationship between two returned nodes."""

    source: str
    target: str
    type: str
    role: str | None = None
    since: int | None = None
    until: int | None = None
    by: str | None = None


@dataclass
class LineageGraph:
    """A lineage subgraph: the root, nodes ordered by distance, edges among them.

    ``over_limit``: the node cap cut the answer (``truncated`` also covers the depth cap).
    """

    root: LineageItem
    items: list[LineageItem]
    edges: list[LineageEdge]
    truncated: bool
    direction: Direction
    as_of: int | None = None
    over_limit: bool = False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (CLI ``--json``): typed maps decoded, nodes by distance."""
        return {
            "root": _item_dict(self.root),
            "direction": self.direction.value,
            "asOf": self.as_of,
            "truncated": self.truncated,
            "served": [
                {"version": v.label, "id": v.id, "since": e.since, "until": e.until, "by": e.by}
                for v, e in self.served()
            ],
            "nodes": [_item_dict(i) for i in self.items],
            "edges": [dataclasses.asdict(e) for e in self.edges],
        }

    def of_kind(self, kind: Label) -> list[LineageItem]:
        """Returned nodes of one kind."""
        return [item for item in self.items if item.kind == kind.value]

    def served(self) -> list[tuple[LineageItem, LineageEdge]]:
        """For a Deployment root: the version(s) serving it (now, or at ``as_of``), newest first."""
        by_id = {item.id: item for item in self.items}
        pairs = [
            (by_id[e.source], e)
            for e in self.edges
            if e.type == "DEPLOYED_AS" and e.target == self.root.id and e.source in by_id
        ]
        return sorted(pairs, key=lambda pair: -(pair[1].since or 0))


@dataclass
class ImpactCounts:
    """How many nodes of each kind depend on the root."""

    root_id: str
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"rootId": self.root_id, "counts": self.counts, "total": sum(self.counts.values())}


Typed = tuple[ValueType, Any]  # a typed-map value as stored: BOOL true is not INT 1


@dataclass(frozen=True)
class ValueChange:
    """One key whose value differs between two versions (``None`` where absent).

    Hyperparameter changes hold :data:`Typed` values, so a change of type is a change.
    """

    key: str
    change: str  # ADDED | REMOVED | CHANGED
    a: Any
    b: Any


@dataclass(frozen=True)
class SetDiff:
    """Members only in A (removed), only in B (added), and in both."""

    added: list[str]
    removed: list[str]
    common: list[str]


@dataclass
class LineageDiff:
    """What differs between the lineage of two model versions."""

    a: LineageItem
    b: LineageItem
    datasets: SetDiff
    dataset_versions: SetDiff
    executions: SetDiff
    libraries: SetDiff
    hyperparameters: list[ValueChange]
    environment: list[ValueChange]
    metrics: list[ValueChange]


@dataclass
class GapItem:
    """A model version a governance question flags."""

    version: Record
    model_name: str | None
    deployments: list[Record] = field(default_factory=list)


@dataclass
class Gaps:
    """Answers of the governance gap questions."""

    deployed_without_training_data: list[GapItem]
    production_without_approval: list[GapItem]
    truncated: bool


def _item_dict(item: LineageItem) -> dict[str, Any]:
    if item.restricted:
        return {
            "id": item.id,
            "kind": item.kind,
            "distance": item.distance,
            "path": item.path,
            "restricted": True,
        }
    props = item.props
    out: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind,
        "name": item.name,
        "label": item.label,
        "distance": item.distance,
        "path": item.path,
        "state": props.get("state"),
        "createdAt": props.get("createdAt"),
    }
    plain = {
        k: v
        for k, v in props.items()
        if "." not in k and k not in out and k not in ("kind", "parentId", "featuresJson")
    }
    out["properties"] = dict(sorted(plain.items()))
    hyper = decode_family(props, Family.HYPERPARAMETERS)
    if hyper:
        out["hyperparameters"] = {k: v for k, (_, v) in hyper.items()}
    for key, prefix in (("metrics", METRIC_PREFIX), ("environment", ENV_PREFIX)):
        found = _prefixed(props, prefix)
        if found:
            out[key] = dict(sorted(found.items()))
    return out


def parse_ref(ref: str) -> dict[str, str]:
    """Query parameters for every reading of ``ref`` (see the module docstring).

    A reading the ref does not have is ``''``, which matches no name (names are non-empty).
    """
    if not ref:
        raise Invalid("ref must not be empty", field="ref")
    if len(ref) > MAX_REF_LENGTH:
        raise Invalid(
            f"ref is {len(ref)} characters, over the limit of {MAX_REF_LENGTH}",
            field="ref",
            limit=MAX_REF_LENGTH,
        )
    if ref != ref.strip():
        # Names are stored exactly (writers refuse padded names): a padded ref could only miss.
        raise Invalid(f"ref {ref!r} has leading or trailing whitespace", field="ref")
    params: dict[str, str] = {
        "ref": ref,
        "versionParent": "",
        "version": "",
        "environment": "",
        "deployment": "",
        "aliasModel": "",
        "alias": "",
    }
    if ":" in ref:
        # Version names rarely hold ':' while model names may: split at the last one.
        parent, _, version = ref.rpartition(":")
        params.update(versionParent=parent, version=version)
    if "/" in ref:
        environment, _, deployment = ref.partition("/")
        params.update(environment=environment, deployment=deployment)
    if "@" in ref:
        model, _, alias = ref.rpartition("@")
        params.update(aliasModel=model, alias=alias)
    return params


async def resolve_tx(
    db: Database, tx: AsyncManagedTransaction, ref: str, as_of: int | None = None
) -> Resolved:
    """The one entity ``ref`` names, or NotFound / Invalid (ambiguous)."""
    at = _MAX_TIME if as_of is None else as_of  # "now": the open alias assignment
    rows = await db.fetch(tx, "lineage/resolve", _RESOLVE, asOf=at, **parse_ref(ref))
    if not rows:
        raise NotFound(f"nothing matches ref {ref!r}", field="ref")
    if rows[0]["rank"] == 0 or len(rows) == 1:
        row = rows[0]
        return Resolved(id=row["id"], kind=row["kind"], name=row["name"] or "")
    names = ", ".join(f"{r['kind']} {r['id']}" for r in rows[:5])
    raise Invalid(f"ref {ref!r} is ambiguous ({names}); use an id", field="ref")


async def resolve(db: Database, ref: str, as_of: int | None = None) -> Resolved:
    """Resolve a ref in its own read transaction."""

    async def work(tx: AsyncManagedTransaction) -> Resolved:
        return await resolve_tx(db, tx, ref, as_of)

    return await db.read(work)


def check_bounds(max_depth: int, limit: int) -> None:
    """maxDepth within the hard cap, first within the node cap, or INVALID_ARGUMENT."""
    if not 1 <= max_depth <= MAX_DEPTH:
        raise Invalid(
            f"maxDepth {max_depth} is outside the limit 1-{MAX_DEPTH}",
            field="maxDepth",
            limit=MAX_DEPTH,
        )
    if not 1 <= limit <= MAX_NODES:
        raise Invalid(
            f"first {limit} is outside the limit 1-{MAX_NODES}", field="first", limit=MAX_NODES
        )


def _item(row: Mapping[str, Any]) -> LineageItem:
    return LineageItem(
        props=row["node"],
        distance=int(row["distance"]),
        path=list(row["path"]),
        parent_name=row.get("parentName"),
    )


@dataclass(frozen=True)
class WalkRequest:
    """One lineage walk: which way, how far, how many nodes, at what time, what to return.

    Checked when built (maxDepth 1-50, limit 1-5,000), so every request that exists can run.
    ``node_types`` empty = every kind; ``stop_kinds``/``stop_ids`` are returned, not walked
    through. ``full=False``: items carry only id, kind, name, state, createdAt and parentId;
    ``paths=False``: items carry empty paths. The root always has every property.
    """

    direction: Direction = Direction.UPSTREAM
    max_depth: int = MAX_DEPTH
    limit: int = DEFAULT_NODES
    as_of: int | None = None
    node_types: tuple[Label, ...] = ()
    stop_kinds: tuple[Label, ...] = ()
    stop_ids: tuple[str, ...] = ()
    live_only: bool = False
    full: bool = True
    paths: bool = True

    def __post_init__(self) -> None:
        check_bounds(self.max_depth, self.limit)

    @property
    def deploy_mode(self) -> DeployMode:
        """Which DEPLOYED_AS edges the walk follows."""
        if self.as_of is not None:
            return DeployMode.AT
        # Upstream from a Deployment means the version serving it now; downstream, every
        # deployment that ever served (history) unless only live consumers are asked for.
        if self.direction is Direction.UPSTREAM or self.live_only:
            return DeployMode.CURRENT
        return DeployMode.ANY

    def query(self) -> tuple[str, LiteralString]:
        """Name and text of the walk file variant that reaches ``max_depth``."""
        return _WALK[self.direction][search_bound(self.max_depth)]

    def counts_query(self) -> tuple[str, LiteralString]:
        """Name and text of the impact-counts variant that reaches ``max_depth``."""
        return _COUNTS[search_bound(self.max_depth)]

    def counts_parameters(self, root_id: str) -> dict[str, Any]:
        """The counts query's parameters: only depth, liveOnly and time apply to counts."""
        return {
            "id": root_id,
            "maxDepth": self.max_depth,
            "liveOnly": self.live_only,
            **time_window(self.deploy_mode, self.as_of),
        }

    def parameters(self, root_id: str) -> dict[str, Any]:
        """The walk query's parameters, always of the same types (one cached plan per file)."""
        return {
            "id": root_id,
            "maxDepth": self.max_depth,
            "limit": self.limit,
            "nodeTypes": [k.value for k in self.node_types],
            "stopKinds": [k.value for k in self.stop_kinds],
            "stopIds": list(self.stop_ids),
            "liveOnly": self.live_only,
            "full": self.full,
            "paths": self.paths,
            **time_window(self.deploy_mode, self.as_of),
        }


async def walk_tx(
    db: Database, tx: AsyncManagedTransaction, root_id: str, request: WalkRequest
) -> LineageGraph:
    """Run one walk from an entity id inside ``tx``."""
    name, text = request.query()
    row = await db.fetch_plain_one(tx, name, text, **request.parameters(root_id))
    if row is None:
        raise NotFound(f"no entity with id {root_id!r}", field="ref")
    root = LineageItem(
        props=row["root"], distance=0, path=[root_id], parent_name=row["rootParentName"]
    )
    return LineageGraph(
        root=root,
        items=[_item(r) for r in row["items"]],
        edges=[LineageEdge(**e) for e in row["edges"]],
        truncated=bool(row["truncated"]),
        direction=request.direction,
        as_of=request.as_of,
        over_limit=bool(row["overLimit"]),
    )


async def redact_tx(
    db: Database, tx: AsyncManagedTransaction, reader: access.Reader, graph: LineageGraph
) -> LineageGraph:
    """The one redaction step of every walk answer: nodes the reader may not read become
    placeholders (edges, distances and counts stay true); an unreadable root is FORBIDDEN."""
    hidden = await access.unreadable_tx(
        db, tx, reader, [graph.root.id, *(i.id for i in graph.items)]
    )
    if not hidden:
        return graph
    access.refuse_unreadable(hidden & {graph.root.id})
    items = [i.placeholder() if i.id in hidden else i for i in graph.items]
    return dataclasses.replace(graph, items=items)


async def walk(db: Database, ref: str, request: WalkRequest, *, actor: Principal) -> LineageGraph:
    """Resolve ``ref`` and walk from it as ``actor`` sees it, in one read transaction."""

    async def work(tx: AsyncManagedTransaction) -> LineageGraph:
        reader = await access.reader_tx(db, tx, actor)
        root = await resolve_tx(db, tx, ref, request.as_of)
        return await redact_tx(db, tx, reader, await walk_tx(db, tx, root.id, request))

    return await metrics.observe_walk(request.direction.value, db.read(work))


async def lineage(
    db: Database,
    ref: str,
    direction: Direction = Direction.UPSTREAM,
    *,
    max_depth: int = 10,
    limit: int = DEFAULT_NODES,
    as_of: int | None = None,
    node_types: Sequence[Label] | None = None,
    stop_kinds: Sequence[Label] = (),
    stop_ids: Sequence[str] = (),
    live_only: bool = False,
    actor: Principal = SYSTEM,
) -> LineageGraph:
    """The lineage subgraph around ``ref`` for drawing; ``truncated`` when a cap was hit."""
    request = WalkRequest(
        direction,
        max_depth=max_depth,
        limit=limit,
        as_of=as_of,
        node_types=tuple(node_types or ()),
        stop_kinds=tuple(stop_kinds),
        stop_ids=tuple(stop_ids),
        live_only=live_only,
    )
    return await walk(db, ref, request, actor=actor)


async def trace(
    db: Database,
    ref: str,
    *,
    as_of: int | None = None,
    max_depth: int = MAX_DEPTH,
    limit: int = DEFAULT_NODES,
    full: bool = True,
    paths: bool = True,
    actor: Principal = SYSTEM,
) -> LineageGraph:
    """Everything ``ref`` (a Deployment or a ModelVersion, typically) came from."""
    request = WalkRequest(
        Direction.UPSTREAM, max_depth=max_depth, limit=limit, as_of=as_of, full=full, paths=paths
    )
    return await walk(db, ref, request, actor=actor)


async def impact(
    db: Database,
    ref: str,
    *,
    as_of: int | None = None,
    live_only: bool = False,
    max_depth: int = MAX_DEPTH,
    limit: int = DEFAULT_NODES,
    node_types: Sequence[Label] | None = None,
    full: bool = True,
    paths: bool = True,
    actor: Principal = SYSTEM,
) -> LineageGraph:
    """Everything that depends on ``ref`` (a Dataset or DatasetVersion, typically)."""
    request = WalkRequest(
        Direction.DOWNSTREAM,
        max_depth=max_depth,
        limit=limit,
        as_of=as_of,
        live_only=live_only,
        node_types=tuple(node_types or ()),
        full=full,
        paths=paths,
    )
    return await walk(db, ref, request, actor=actor)


def counts_of(graph: LineageGraph) -> ImpactCounts | None:
    """Counts per kind read off a walk that the node cap did not cut, else None.

    Equal to :func:`impact_counts` with the same as_of, liveOnly and maxDepth when the walk had
    no nodeTypes or stop filters (the counts query has none either).
    """
    if graph.over_limit:
        return None
    counts: dict[str, int] = {}
    for item in graph.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return ImpactCounts(root_id=graph.root.id, counts=dict(sorted(counts.items())))


async def impact_counts_tx(
    db: Database, tx: AsyncManagedTransaction, root_id: str, request: WalkRequest
) -> ImpactCounts:
    """Counts per kind downstream of an entity id inside ``tx``: as_of, live_only, max_depth."""
    name, text = request.counts_query()
    row = await db.fetch_plain_one(tx, name, text, **request.counts_parameters(root_id))
    counts = {c["kind"]: int(c["count"]) for c in row["counts"]} if row else {}
    return ImpactCounts(root_id=root_id, counts=counts)


async def impact_counts(
    db: Database,
    ref: str,
    *,
    as_of: int | None = None,
    live_only: bool = False,
    max_depth: int = MAX_DEPTH,
    actor: Principal = SYSTEM,
) -> ImpactCounts:
    """How many nodes of each kind depend on ``ref``, without their payload."""
    request = WalkRequest(
        Direction.DOWNSTREAM, max_depth=max_depth, as_of=as_of, live_only=live_only
    )
    return await count(db, ref, request, actor=actor)


async def count(db: Database, ref: str, request: WalkRequest, *, actor: Principal) -> ImpactCounts:
    """Resolve ``ref`` and count what depends on it, in one read transaction.

    Counts include nodes ``actor`` may not read (placeholders would show them anyway); the
    root itself must be readable.
    """

    async def work(tx: AsyncManagedTransaction) -> ImpactCounts:
        reader = await access.reader_tx(db, tx, actor)
        root = await resolve_tx(db, tx, ref, request.as_of)
        access.refuse_unreadable(await access.unreadable_tx(db, tx, reader, [root.id]))
        return await impact_counts_tx(db, tx, root.id, request)

    return await db.read(work)


async def warm_up(db: Database, bounds: Sequence[int] = BOUNDS) -> int:
    """Plan every traversal file once (resolve, walks, counts) so first requests do not.

    Each file costs 1-3 s to plan the first time; the plan is cached by the server for its
    parameter types, which the store keeps fixed. Runs against an id that matches nothing, so it
    reads no data. Returns the number of queries planned. Meant for service start-up.
    """
    missing = "warm-up/no-such@entity:id"  # matches nothing; every ref reading is planned
    planned: list[tuple[str, LiteralString, dict[str, Any]]] = [
        ("lineage/resolve", _RESOLVE, {"asOf": _MAX_TIME, **parse_ref(missing)})
    ]
    for bound in bounds:
        for direction in Direction:
            request = WalkRequest(direction, max_depth=bound, limit=1)
            planned.append((*request.query(), request.parameters(missing)))
        request = WalkRequest(Direction.DOWNSTREAM, max_depth=bound)
        planned.append((*request.counts_query(), request.counts_parameters(missing)))
    for name, text, params in planned:
        # One transaction each: on a busy server, planning them all may outlast one timeout.
        await db.read(_run_once(db, name, text, params))
    return len(planned)


def _run_once(
    db: Database, name: str, text: LiteralString, params: dict[str, Any]
) -> Callable[[AsyncManagedTransaction], Awaitable[list[Record]]]:
    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        return await db.fetch(tx, name, text, **params)

    return work


def _value_changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[ValueChange]:
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(ValueChange(key, "REMOVED", a[key], None))
        elif key not in a:
            out.append(ValueChange(key, "ADDED", None, b[key]))
        elif a[key] != b[key]:
            out.append(ValueChange(key, "CHANGED", a[key], b[key]))
    return out


def _set_diff(a: set[str], b: set[str]) -> SetDiff:
    return SetDiff(added=sorted(b - a), removed=sorted(a - b), common=sorted(a & b))


@dataclass
class _Profile:
    datasets: set[str]
    dataset_versions: set[str]
    executions: set[str]
    libraries: set[str]
    hyperparameters: dict[str, Typed]
    environment: dict[str, Any]
    metrics: dict[str, Any]


def _profile(graph: LineageGraph) -> _Profile:
    """What a version's readable lineage says about it; producing runs are one hop upstream."""
    graph = dataclasses.replace(graph, items=[i for i in graph.items if not i.restricted])
    producers = sorted(
        (i for i in graph.of_kind(Label.EXECUTION) if i.distance == 1),
        key=lambda i: (i.props.get("startTime") or 0, i.id),
    )
    hyper: dict[str, Typed] = {}
    env: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    libraries: set[str] = set()
    for run in producers:
        hyper.update(decode_family(run.props, Family.HYPERPARAMETERS))
        env.update(_prefixed(run.props, ENV_PREFIX))
        metrics.update(_prefixed(run.props, METRIC_PREFIX))
        libraries.update(run.props.get("libraries") or [])
    # The version's own latest metrics win over its runs'.
    metrics.update(_prefixed(graph.root.props, METRIC_PREFIX))
    dataset_versions = graph.of_kind(Label.DATASET_VERSION)
    return _Profile(
        datasets={i.parent_name or i.name for i in dataset_versions},
        dataset_versions={i.label for i in dataset_versions},
        executions={i.name for i in graph.of_kind(Label.EXECUTION)},
        libraries=libraries,
        hyperparameters=hyper,
        environment=env,
        metrics=metrics,
    )


def _prefixed(props: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: v for k, v in props.items() if k.startswith(prefix)}


_DIFF_WALK = WalkRequest(Direction.UPSTREAM, limit=MAX_NODES)


async def diff(db: Database, version_a: str, version_b: str, *, actor: Principal) -> LineageDiff:
    """Datasets, dataset versions, runs, hyperparameters, environment and metrics that differ
    (among what ``actor`` may read; both versions must be readable)."""

    async def work(tx: AsyncManagedTransaction) -> tuple[LineageGraph, LineageGraph]:
        reader = await access.reader_tx(db, tx, actor)
        graphs = []
        for ref, fld in ((version_a, "versionA"), (version_b, "versionB")):
            root = await resolve_tx(db, tx, ref)
            if root.kind != Label.MODEL_VERSION.value:
                raise Invalid(f"{ref!r} is a {root.kind}, not a ModelVersion", field=fld)
            graphs.append(
                await redact_tx(db, tx, reader, await walk_tx(db, tx, root.id, _DIFF_WALK))
            )
        return graphs[0], graphs[1]

    graph_a, graph_b = await db.read(work)
    pa, pb = _profile(graph_a), _profile(graph_b)
    return LineageDiff(
        a=graph_a.root,
        b=graph_b.root,
        datasets=_set_diff(pa.datasets, pb.datasets),
        dataset_versions=_set_diff(pa.dataset_versions, pb.dataset_versions),
        executions=_set_diff(pa.executions, pb.executions),
        libraries=_set_diff(pa.libraries, pb.libraries),
        hyperparameters=_value_changes(pa.hyperparameters, pb.hyperparameters),
        environment=_value_changes(pa.environment, pb.environment),
        metrics=_value_changes(pa.metrics, pb.metrics),
    )


async def gaps(db: Database, limit: int = 100, *, actor: Principal = SYSTEM) -> Gaps:
    """Deployed versions without training data; PRODUCTION versions without an approval (of
    those ``actor`` may read)."""
    check_bounds(1, limit)

    async def work(tx: AsyncManagedTransaction) -> tuple[list[Record], list[Record]]:
        readable = (await access.reader_tx(db, tx, actor)).parameters()
        untrained = await db.fetch(
            tx,
            "lineage/gaps_deployed_without_training_data",
            _GAP_UNTRAINED,
            limit=limit,
            **readable,
        )
        unapproved = await db.fetch(
            tx,
            "lineage/gaps_production_without_approval",
            _GAP_UNAPPROVED,
            limit=limit,
            **readable,
        )
        return untrained, unapproved

    untrained, unapproved = await db.read(work)

    def items(rows: list[Record]) -> list[GapItem]:
        return [
            GapItem(version=r["version"], model_name=r["modelName"], deployments=r["deployments"])
            for r in rows[:limit]
        ]

    return Gaps(
        deployed_without_training_data=items(untrained),
        production_without_approval=items(unapproved),
        truncated=len(untrained) > limit or len(unapproved) > limit,
    )
