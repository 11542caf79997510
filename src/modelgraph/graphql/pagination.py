"""Relay-style connections over store.listing pages; totalCount runs only when selected."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Generic, TypeVar

import strawberry

from modelgraph.graphql.context import Info
from modelgraph.store import listing
from modelgraph.store.db import Record

T = TypeVar("T")

# Lists nested in an entity (versions, runs, consumers, ...) hold at most this many by default.
NESTED_PAGE = 100

First = Annotated[
    int,
    strawberry.argument(
        description=f"At most this many items, in the list's order (default {NESTED_PAGE}, "
        f"max {listing.MAX_PAGE_SIZE}); every nested list multiplies the query cost."
    ),
]


def nested_page(items: list[T], first: int) -> list[T]:
    """The first ``first`` items of a nested list; ``first`` is 1..MAX_PAGE_SIZE."""
    listing.check_page_size(first)
    return items[:first]


@strawberry.enum(description="What a list is ordered by (ties broken by id).")
class OrderField(Enum):
    CREATED = "createdAt"
    UPDATED = "updatedAt"
    NAME = "name"


@strawberry.enum
class Direction(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Ordering of a list; default oldest first.")
class OrderBy:
    field: OrderField = OrderField.CREATED
    direction: Direction = Direction.ASC


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="One page of a list; `first` is capped at 100.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo
    _request: strawberry.Private[listing.ListRequest]

    @strawberry.field(description="Matches of the whole list (one extra query, only if asked).")
    async def total_count(self, info: Info) -> int:
        return await listing.count(info.context.db, self._request, actor=info.context.actor)


def sort_key(order_by: OrderBy | None) -> tuple[listing.SortKey, bool]:
    """The listing sort key and direction of an OrderBy input."""
    order = order_by or OrderBy()
    return listing.SortKey(order.field.value), order.direction is Direction.DESC


def connection(page: listing.Page, nodes: list[T], request: listing.ListRequest) -> Connection[T]:
    """A connection from a page and its converted nodes."""
    edges = [Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        _request=request,
    )


__all__ = [
    "NESTED_PAGE",
    "Connection",
    "Direction",
    "Edge",
    "First",
    "OrderBy",
    "OrderField",
    "PageInfo",
    "Record",
    "nested_page",
]
