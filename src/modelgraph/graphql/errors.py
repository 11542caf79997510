"""Error policy: expected errors carry a stable ``code``; unexpected ones are logged and masked."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from modelgraph.domain.access import Forbidden
from modelgraph.domain.errors import ModelGraphError

INTERNAL_MESSAGE = "internal error (logged on the server)"


def client_error_code(error: GraphQLError) -> str:
    """Code of an error in the request document itself: unparsable or invalid."""
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED"


def is_expected(error: GraphQLError) -> bool:
    """Client mistakes and domain errors are part of the API, not incidents to log loudly."""
    original = error.original_error
    return original is None or isinstance(original, (ModelGraphError, GraphQLError))


class ErrorCodes(SchemaExtension):
    """Adds ``extensions.code`` (and ``field``) to every error; masks anything unexpected."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._classify(error) for error in result.errors]

    @staticmethod
    def _classify(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            # Parse and validation errors are the client's: keep the message.
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", client_error_code(error))
            error.extensions = extensions
            return error
        if isinstance(original, ModelGraphError):
            extensions = {"code": original.code}
            if original.field:
                extensions["field"] = original.field
            if original.limit is not None:
                extensions["limit"] = original.limit
            if isinstance(original, Forbidden):
                extensions["missing"] = original.missing
            error.extensions = extensions
            return error
        if isinstance(original, GraphQLError) and original.original_error is None:
            # Coercion of variables and enum values: a client input problem.
            error.extensions = {"code": "INVALID_ARGUMENT"}
            return error
        # Logged once by ModelGraphSchema.process_errors; the client sees no internals.
        return GraphQLError(
            INTERNAL_MESSAGE, nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL"}
        )
