"""Query limits checked before execution: depth, aliases and cost, in one linear walk.

Each fragment is walked once and its result memoised, so the walk is linear in the size of
the document even when fragments spread each other many times (a 1.6 KB document of 41
fragments, each spreading the next twice, expands to 2^41 fields). Cost counts every selected
field once per object it is resolved on: a field with a ``first`` argument multiplies its
subtree by that page size, a list inside a page (``nodes``, ``edges``) adds no factor of its
own, and any other list of objects is assumed to hold ``ASSUMED_LIST_SIZE`` items.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

MAX_DEPTH = 15
MAX_ALIASES = 30
MAX_COST = 1_000_000
# Lists of a node's own values (metrics, properties, hyperparameters) have no page size.
ASSUMED_LIST_SIZE = 10
# Costs saturate here: far above any limit, small enough to stay a machine integer.
_CEILING = 10**15


@dataclass(frozen=True)
class Analysis:
    """What the limits are checked against."""

    depth: int
    aliases: int
    cost: int


@dataclass(frozen=True)
class _Walked:
    cost: int
    depth: int


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[tuple[str, bool, bool], _Walked] = {}
        self.active: set[str] = set()

    def selections(
        self, node: SelectionSetNode, parent: Any, paged: bool, meta: bool = False
    ) -> _Walked:
        cost = depth = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                walked = self.field(selection, parent, paged, meta)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                walked = self.selections(selection.selection_set, target, paged, meta)
            elif isinstance(selection, FragmentSpreadNode):
                walked = self.spread(selection.name.value, paged, meta)
            else:  # pragma: no cover - the three selection kinds are exhaustive
                continue
            cost = min(_CEILING, cost + walked.cost)
            depth = max(depth, walked.depth)
        return _Walked(cost, depth)

    def spread(self, name: str, paged: bool, meta: bool) -> _Walked:
        key = (name, paged, meta)
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            # Unknown or cyclic spreads never pass validation; count nothing for them here.
            return _Walked(0, 0)
        self.active.add(name)
        target = self.schema.get_type(fragment.type_condition.name.value)
        walked = self.selections(fragment.selection_set, target, paged, meta)
        self.active.discard(name)
        self.memo[key] = walked
        return walked

    def field(self, node: FieldNode, parent: Any, paged: bool, meta: bool) -> _Walked:
        name = node.name.value
        if name.startswith("__") or meta:
            # Introspection is bounded by the schema: count fields once, no depth, no factors.
            if node.selection_set is None:
                return _Walked(1, 0)
            inner = self.selections(node.selection_set, None, False, meta=True)
            return _Walked(min(_CEILING, 1 + inner.cost), 0)
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if definition is None or node.selection_set is None:
            return _Walked(1, 0)
        returned: Any = definition.type
        if isinstance(returned, GraphQLNonNull):
            returned = returned.of_type
        is_list = isinstance(returned, GraphQLList)
        while isinstance(returned, GraphQLNonNull | GraphQLList):
            returned = returned.of_type
        page = self.page_size(node, definition.args.get("first"))
        if page is not None:
            factor, inner_paged = page, not is_list
        else:
            factor, inner_paged = (1 if paged else ASSUMED_LIST_SIZE) if is_list else 1, False
        inner = self.selections(node.selection_set, returned, inner_paged)
        return _Walked(min(_CEILING, factor * (1 + inner.cost)), inner.depth + 1)

    def page_size(self, node: FieldNode, argument: Any) -> int | None:
        if argument is None:
            return None
        value: Any = argument.default_value
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value, value)
        if isinstance(value, bool) or not isinstance(value, int):
            return 1
        return max(1, min(value, _CEILING))


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if name is None or (operation.name is not None and operation.name.value == name):
            return operation
    return None


def _aliases(document: DocumentNode) -> int:
    # Every alias node of the document once: spreads do not multiply what a client wrote.
    count = 0
    stack: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            selection_set = getattr(selection, "selection_set", None)
            if selection_set is not None:
                stack.append(selection_set)
    return count


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> Analysis:
    """Depth, alias count and cost of the operation that would run."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    aliases = _aliases(document)
    operation = _operation(document, operation_name)
    if operation is None:
        return Analysis(0, aliases, 0)
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walked = _Walker(schema, fragments, variables or {}).selections(
        operation.selection_set, root, False
    )
    # Root fields are depth 0 and a leaf is one deeper than its parent, as in graphql-depth-limit.
    return Analysis(walked.depth, aliases, walked.cost)


def limit_errors(found: Analysis) -> list[GraphQLError]:
    """One typed error per limit exceeded; ``extensions.limit`` names the bound."""
    errors = []
    if found.depth > MAX_DEPTH:
        errors.append(
            GraphQLError(
                f"query exceeds maximum operation depth of {MAX_DEPTH} (depth {found.depth})",
                extensions={"code": "QUERY_TOO_DEEP", "depth": found.depth, "limit": MAX_DEPTH},
            )
        )
    if found.aliases > MAX_ALIASES:
        errors.append(
            GraphQLError(
                f"query uses {found.aliases} aliases; at most {MAX_ALIASES} aliases are allowed",
                extensions={
                    "code": "TOO_MANY_ALIASES",
                    "aliases": found.aliases,
                    "limit": MAX_ALIASES,
                },
            )
        )
    if found.cost > MAX_COST:
        errors.append(
            GraphQLError(
                f"query cost {found.cost} exceeds the maximum query cost of {MAX_COST}: "
                "ask for smaller pages (`first`) or fewer nested lists",
                extensions={"code": "QUERY_TOO_COSTLY", "cost": found.cost, "limit": MAX_COST},
            )
        )
    return errors


class QueryLimits(SchemaExtension):
    """Refuses an operation over a limit before any resolver runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            found = analyse(
                context.schema._schema, document, context.operation_name, context.variables
            )
            if errors := limit_errors(found):
                context.result = ExecutionResult(data=None, errors=errors)
        yield
