"""Bounded JSON: one decoder for every request body, and a nesting check for stored structs.

``json.loads`` turns deep nesting into RecursionError, ``1e400`` into infinity and invalid
UTF-8 into UnicodeDecodeError; each of those used to escape as a 500. Here they are ``Invalid``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from modelgraph.domain.errors import Invalid

# Deeper than any document the API defines (GraphQL variables, Kubeflow bodies, structs).
MAX_JSON_DEPTH = 64


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"number out of range: {text[:40]}")
    return number


def _no_constants(text: str) -> Any:
    raise ValueError(f"{text} is not allowed in JSON")


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when lists/objects nest deeper than ``limit`` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check_json_depth(value: Any, field: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise Invalid when ``value`` nests deeper than ``limit``."""
    if json_depth_exceeds(value, limit):
        raise Invalid(f"JSON nested deeper than {limit} levels", field=field, limit=limit)


def loads(data: bytes | str, field: str = "body", limit: int = MAX_JSON_DEPTH) -> Any:
    """Decode JSON text strictly: UTF-8 only, finite numbers, at most ``limit`` levels deep."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise Invalid("request body is not valid UTF-8", field=field) from exc
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constants)
    except RecursionError as exc:
        raise Invalid(f"JSON nested deeper than {limit} levels", field=field, limit=limit) from exc
    except ValueError as exc:
        # JSONDecodeError, out-of-range floats, NaN/Infinity and over-long integers.
        raise Invalid(f"request body is not valid JSON: {exc}", field=field) from exc
    check_json_depth(value, field, limit)
    return value
