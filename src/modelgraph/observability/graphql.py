"""Schema extension that names each GraphQL request for the metrics and the access log."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from modelgraph.observability.access import current_request


class OperationObserver(SchemaExtension):
    """Labels the request by its root fields (bounded) and collects its error codes."""

    def on_execute(self) -> Iterator[None]:
        info = current_request.get()
        context = self.execution_context
        if info is not None and context.graphql_document is not None:
            fields: list[str] = []
            kind = "query"
            for definition in context.graphql_document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                if context.operation_name and (
                    definition.name is None or definition.name.value != context.operation_name
                ):
                    continue
                kind = definition.operation.value
                fields.extend(
                    s.name.value
                    for s in definition.selection_set.selections
                    if isinstance(s, FieldNode)
                )
            info.operation = f"{kind} {','.join(sorted(set(fields))) or '-'}"
            info.operation_name = context.operation_name
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        info = current_request.get()
        result = self.execution_context.result
        if info is None or result is None or not result.errors:
            return
        for error in result.errors:
            info.error_codes.append(str((error.extensions or {}).get("code", "UNKNOWN")))
