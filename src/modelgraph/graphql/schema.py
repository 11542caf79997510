"""The schema: root types merged from each area, and every protective extension in one list."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

import modelgraph
from modelgraph.graphql.context import Info
from modelgraph.graphql.errors import ErrorCodes, client_error_code, is_expected
from modelgraph.graphql.events import EventsMutation, EventsQuery, EventsSubscription
from modelgraph.graphql.lineage import LineageMutation, LineageQuery
from modelgraph.graphql.registry import RegistryMutation, RegistryQuery
from modelgraph.graphql.scalars import SCALAR_MAP
from modelgraph.observability.graphql import OperationObserver
from modelgraph.store import migrations

log = logging.getLogger(__name__)

MAX_DEPTH = 15
MAX_TOKENS = 5_000
MAX_ALIASES = 30

# Built once: each limiter makes a new rule class per instance, and the validation cache is
# keyed by the rule classes, so per-request limiters would make every request miss it.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


@strawberry.type
class SchemaStatus:
    """Which schema files the database has applied."""

    applied: list[str]
    pending: list[str]
    changed: list[str]
    up_to_date: bool


@strawberry.type
class ServiceQuery:
    """Facts about the service itself."""

    @strawberry.field(description="The ModelGraph server version.")
    def server_version(self) -> str:
        return modelgraph.__version__

    @strawberry.field(description="Migration state of the database (asks Neo4j).")
    async def schema_status(self, info: Info) -> SchemaStatus:
        current = await migrations.status(info.context.db)
        return SchemaStatus(
            applied=current.applied,
            pending=current.pending,
            changed=current.changed,
            up_to_date=current.up_to_date,
        )


QUERY_TYPES: tuple[type, ...] = (ServiceQuery, RegistryQuery, LineageQuery, EventsQuery)
MUTATION_TYPES: tuple[type, ...] = (RegistryMutation, LineageMutation, EventsMutation)

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
    """The GraphQL schema with depth, token and alias limits and error masking."""
    return ModelGraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=EventsSubscription,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            lambda: AddValidationRules(LIMIT_RULES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            OperationObserver,
            ErrorCodes,
        ],
    )


schema = build_schema()
