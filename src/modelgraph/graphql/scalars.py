"""Custom scalars: 64-bit integers and epoch-millisecond timestamps (GraphQL Int is 32-bit).

The Python types are plain ``NewType``s; their GraphQL definitions live in :data:`SCALAR_MAP`,
which the schema passes to ``StrawberryConfig``.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

_INT64 = 2**63

Long = NewType("Long", int)
Timestamp = NewType("Timestamp", int)


def _parse_long(value: Any) -> int:
    # GraphQLError (not ValueError): graphql-core reports it as the client's input mistake.
    if isinstance(value, bool):
        raise GraphQLError("Long must be an integer, not a boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.lstrip("-").isdigit():
        result = int(value)
    else:
        raise GraphQLError(f"Long must be an integer or a string of digits, got {value!r}")
    if not -_INT64 <= result < _INT64:
        raise GraphQLError("Long out of 64-bit range")
    return result


SCALAR_MAP: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        serialize=int,
        parse_value=_parse_long,
        description="A 64-bit signed integer (accepted as a number or a string of digits).",
    ),
    Timestamp: strawberry.scalar(
        name="Timestamp",
        serialize=int,
        parse_value=_parse_long,
        description="Epoch milliseconds (UTC).",
    ),
}

__all__ = ["JSON", "SCALAR_MAP", "Long", "Timestamp", "timestamp"]


def timestamp(value: int | None) -> Timestamp | None:
    """An optional epoch-ms value typed as the Timestamp scalar."""
    return None if value is None else Timestamp(value)
