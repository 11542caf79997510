"""The schema: root types merged from each area, and every protective extension in one list."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

import modelgraph
from modelgraph.graphql.access import AccessMutation, AccessQuery
from modelgraph.graphql.context import Info
from modelgraph.graphql.cost import ASSUMED_LIST_SIZE, MAX_ALIASES, MAX_COST, MAX_DEPTH, QueryLimits
from modelgraph.graphql.errors import ErrorCodes, client_error_code, is_expected
from modelgraph.graphql.events import EventsMutation, EventsQuery, EventsSubscription
from modelgraph.graphql.lineage import LineageMutation, LineageQuery
from modelgraph.graphql.openlineage import OpenLineageQuery
from modelgraph.graphql.pagination import NESTED_PAGE
from modelgraph.graphql.registry import RegistryMutation, RegistryQuery
from modelgraph.graphql.scalars import SCALAR_MAP
from modelgraph.graphql.search import SearchQuery
from modelgraph.observability.graphql import OperationObserver
from modelgraph.store import listing, migrations

log = logging.getLogger(__name__)

MAX_TOKENS = 5_000


@strawberry.type
class SchemaStatus:
    """Which schema files the database has applied."""

    applied: list[str]
    pending: list[str]
    changed: list[str]
    up_to_date: bool


@strawberry.type(
    description="Limits every operation is checked against before it runs. Cost: each selected "
    "field counts 1 per object it is resolved on; a field with `first` multiplies its subtree "
    "by that page size (its default when omitted); other lists of objects count "
    f"{ASSUMED_LIST_SIZE} items. Over a limit the operation is refused with "
    "`extensions.code` QUERY_TOO_COSTLY, QUERY_TOO_DEEP or TOO_MANY_ALIASES and "
    "`extensions.limit`; an answer larger than the response cap becomes RESPONSE_TOO_LARGE."
)
class QueryLimitsInfo:
    max_cost: int = MAX_COST
    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES
    max_tokens: int = MAX_TOKENS
    max_page_size: int = listing.MAX_PAGE_SIZE
    default_nested_page: int = NESTED_PAGE


@strawberry.type
class ServiceQuery:
    """Facts about the service itself."""

    @strawberry.field(description="The ModelGraph server version.")
    def server_version(self) -> str:
        return modelgraph.__version__

    @strawberry.field(description="The depth, alias, token and cost limits of every operation.")
    def query_limits(self) -> QueryLimitsInfo:
        return QueryLimitsInfo()

    @strawberry.field(description="Migration state of the database (asks Neo4j).")
    async def schema_status(self, info: Info) -> SchemaStatus:
        current = await migrations.status(info.context.db)
        return SchemaStatus(
            applied=current.applied,
            pending=current.pending,
            changed=current.changed,
            up_to_date=current.up_to_date,
        )


QUERY_TYPES: tuple[type, ...] = (
    ServiceQuery,
    RegistryQuery,
    LineageQuery,
    SearchQuery,
    AccessQuery,
    EventsQuery,
    OpenLineageQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    RegistryMutation,
    LineageMutation,
    AccessMutation,
    EventsMutation,
)

Query = merge_types("Query", QUERY_TYPES)
Mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None


class ModelGraphSchema(strawberry.Schema):
    """Logs only unexpected errors (ErrorCodes masks them); client errors stay quiet."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if error.original_error is None and not (error.extensions or {}).get("code"):
                # Parse errors never reach ErrorCodes (no execution result yet): code them here.
                error.extensions = {**(error.extensions or {}), "code": client_error_code(error)}
            if is_expected(error):
                log.debug("client error: %s", error.message)
            else:
                log.error("unexpected GraphQL error", exc_info=error.original_error)


def build_schema() -> strawberry.Schema:
    """The GraphQL schema with token, depth, alias and cost limits and error masking."""
    return ModelGraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=EventsSubscription,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            QueryLimits,
            OperationObserver,
            ErrorCodes,
        ],
    )


schema = build_schema()

__all__ = ["MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_TOKENS", "build_schema", "schema"]
