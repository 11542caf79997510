"""Generic, filtered, keyset-paginated lists of one kind of entity.

A filter is a tree of :class:`And`, :class:`Or`, :class:`Not` over :class:`Predicate` leaves.
It is normalised to disjunctive normal form and sent as a *parameter*, evaluated by one fixed
query (``cypher/queries/listing/page.cypher``): no Cypher text depends on the request.
Property names in predicates are resolved by the API layers from enums or typed-map keys.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeAlias

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import Label, State
from modelgraph.domain.principal import Principal
from modelgraph.store import access
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_PAGE = query("listing/page")
_COUNT = query("listing/count")

MAX_PAGE_SIZE = 100
MAX_CONJUNCTIONS = 64
MAX_PREDICATES = 64


class Op(StrEnum):
    """Comparison operators a predicate can use (``MATCHES`` takes a regular expression)."""

    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    MATCHES = "MATCHES"
    HAS = "HAS"  # a list property contains the value
    EXISTS = "EXISTS"


class SortKey(StrEnum):
    """Orderings; each maps to one fixed node property."""

    CREATED = "createdAt"
    UPDATED = "updatedAt"
    NAME = "name"
    ID = "id"


@dataclass(frozen=True)
class Predicate:
    """``node[prop] <op> value``, optionally negated."""

    prop: str
    op: Op
    value: Any = None
    negate: bool = False


@dataclass(frozen=True)
class And:
    items: list[Filter]


@dataclass(frozen=True)
class Or:
    items: list[Filter]


@dataclass(frozen=True)
class Not:
    item: Filter


Filter: TypeAlias = Predicate | And | Or | Not


def like_to_regex(pattern: str, *, case_insensitive: bool) -> str:
    """SQL LIKE pattern (``%`` any run, ``_`` one character) as an anchored Java regex."""
    parts = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return ("(?is)" if case_insensitive else "(?s)") + "".join(parts)


def to_dnf(tree: Filter | None) -> list[list[Predicate]]:
    """The filter as a list of conjunctions (OR of ANDs); an empty list matches everything."""
    if tree is None:
        return []
    dnf = _dnf(tree, negate=False)
    if len(dnf) > MAX_CONJUNCTIONS or sum(len(c) for c in dnf) > MAX_PREDICATES * 4:
        raise Invalid("filter too complex: simplify the combination of AND/OR/NOT", field="filter")
    return dnf


def _dnf(node: Filter, *, negate: bool) -> list[list[Predicate]]:
    if isinstance(node, Predicate):
        return [[Predicate(node.prop, node.op, node.value, node.negate != negate)]]
    if isinstance(node, Not):
        return _dnf(node.item, negate=not negate)
    items = node.items
    if not items:
        raise Invalid("AND/OR needs at least one operand", field="filter")
    # De Morgan: a negated AND is an OR of negations and vice versa.
    conjunctive = isinstance(node, And) != negate
    parts = [_dnf(item, negate=negate) for item in items]
    if not conjunctive:
        return [conj for part in parts for conj in part]
    result: list[list[Predicate]] = [[]]
    for part in parts:
        result = [left + right for left in result for right in part]
        if len(result) > MAX_CONJUNCTIONS:
            raise Invalid(
                "filter too complex: simplify the combination of AND/OR/NOT", field="filter"
            )
    return result


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the sort value and id of the last item returned."""

    sort_key: SortKey
    value: Any
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.sort_key.value, self.value, self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @staticmethod
    def decode(token: str, sort_key: SortKey, field: str = "after") -> Cursor:
        """Parse a cursor; a malformed one or one from another ordering is INVALID_ARGUMENT."""
        try:
            padded = token + "=" * (-len(token) % 4)
            key, value, node_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError) as exc:
            raise Invalid("malformed cursor", field=field) from exc
        if key != sort_key.value or not isinstance(node_id, str):
            raise Invalid("cursor does not belong to this ordering", field=field)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise Invalid("malformed cursor", field=field)
        return Cursor(sort_key, value, node_id)


@dataclass(frozen=True)
class ListRequest:
    """What to list: one kind, optionally under a parent, filtered, ordered, one page."""

    kind: Label
    first: int = 20
    after: Cursor | None = None
    sort_key: SortKey = SortKey.CREATED
    descending: bool = False
    filter: Filter | None = None
    parent_id: str | None = None
    states: list[State] | None = None


@dataclass
class Page:
    """Nodes (as property dicts) with keyset cursors."""

    nodes: list[Record]
    has_next: bool
    sort_key: SortKey
    cursors: list[str] = field(default_factory=list)

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def check_page_size(first: int, field: str = "first") -> int:
    """Page sizes are 1..MAX_PAGE_SIZE."""
    if first < 1 or first > MAX_PAGE_SIZE:
        raise Invalid(f"page size must be between 1 and {MAX_PAGE_SIZE}", field=field)
    return first


def _params(req: ListRequest) -> dict[str, Any]:
    return {
        "kind": req.kind.value,
        "parentId": req.parent_id,
        "states": [s.value for s in req.states] if req.states else None,
        "dnf": [
            [{"prop": p.prop, "op": p.op.value, "value": p.value, "neg": p.negate} for p in conj]
            for conj in to_dnf(req.filter)
        ],
    }


async def list_page(db: Database, req: ListRequest, *, actor: Principal) -> Page:
    """One page of what ``actor`` may read, in one read transaction.

    The read rule runs inside the page query (``access/_readable``), so pages, cursors and
    counts only ever see readable entities; no page is refetched.
    """
    check_page_size(req.first)
    params = _params(req)
    params.update(
        sortKey=req.sort_key.value,
        desc=req.descending,
        afterValue=req.after.value if req.after else None,
        afterId=req.after.id if req.after else None,
        limit=req.first + 1,
    )

    async def work(tx: AsyncManagedTransaction) -> list[Record]:
        reader = await access.reader_tx(db, tx, actor)
        return await db.fetch(tx, "listing/page", _PAGE, **params, **reader.parameters())

    rows = await db.read(work)
    nodes = [row["node"] for row in rows[: req.first]]
    cursors = [Cursor(req.sort_key, n[req.sort_key.value], n["id"]).encode() for n in nodes]
    return Page(nodes=nodes, has_next=len(rows) > req.first, sort_key=req.sort_key, cursors=cursors)


async def count(db: Database, req: ListRequest, *, actor: Principal) -> int:
    """How many entities ``actor`` may read match the request's scope and filter."""
    params = _params(req)

    async def work(tx: AsyncManagedTransaction) -> int:
        reader = await access.reader_tx(db, tx, actor)
        row = await db.fetch_one(tx, "listing/count", _COUNT, **params, **reader.parameters())
        return int(row["total"]) if row else 0

    return await db.read(work)
