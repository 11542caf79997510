"""Custom scalars: 64-bit integers and epoch-millisecond timestamps (GraphQL Int is 32-bit)."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON

_INT64 = 2**63


def _parse_long(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Long must be an integer, not a boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and value.lstrip("-").isdigit():
        result = int(value)
    else:
        raise ValueError(f"Long must be an integer or a string of digits, got {value!r}")
    if not -_INT64 <= result < _INT64:
        raise ValueError("Long out of 64-bit range")
    return result


Long = strawberry.scalar(
    NewType("Long", int),
    serialize=int,
    parse_value=_parse_long,
    description="A 64-bit signed integer (accepted as a number or a string of digits).",
)

Timestamp = strawberry.scalar(
    NewType("Timestamp", int),
    serialize=int,
    parse_value=_parse_long,
    description="Epoch milliseconds (UTC).",
)

__all__ = ["JSON", "Long", "Timestamp"]
