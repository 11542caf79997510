"""Typed values (custom properties, metadata, hyperparameters) in and out of GraphQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import Family, ValueType, decode_family, typed_entry
from modelgraph.graphql.scalars import JSON, Long

MAX_ENTRIES = 1000

ValueTypeEnum = strawberry.enum(ValueType, name="ValueType", description="Type of a typed value.")


@strawberry.type(description="One typed entry of customProperties, metadata or hyperparameters.")
class TypedValue:
    key: str
    type: ValueTypeEnum  # type: ignore[valid-type]
    string_value: str | None = None
    int_value: Long | None = None
    float_value: float | None = None
    bool_value: bool | None = None
    json_value: JSON | None = None


@strawberry.input(description="A typed value: set `type` and exactly the matching *Value field.")
class TypedValueInput:
    key: str
    type: ValueTypeEnum  # type: ignore[valid-type]
    string_value: str | None = None
    int_value: Long | None = None
    float_value: float | None = None
    bool_value: bool | None = None
    json_value: JSON | None = None

    def raw(self, field: str) -> Any:
        """The one value that matches ``type``; anything else is INVALID_ARGUMENT."""
        by_type: dict[ValueType, Any] = {
            ValueType.STRING: self.string_value,
            ValueType.INT: self.int_value,
            ValueType.FLOAT: self.float_value,
            ValueType.BOOL: self.bool_value,
            ValueType.JSON: self.json_value,
        }
        vt = ValueType(self.type)
        chosen = by_type[vt]
        others = [t for t, v in by_type.items() if t is not vt and v is not None]
        if chosen is None and vt is not ValueType.JSON:
            raise Invalid(f"{vt.value.lower()}Value is required for type {vt.value}", field=field)
        if others:
            raise Invalid(f"only the value for type {vt.value} may be set", field=field)
        return chosen


def to_properties(
    family: Family, entries: list[TypedValueInput] | None, field: str
) -> dict[str, Any]:
    """Node properties for a list of typed inputs; duplicates or too many keys: INVALID_ARGUMENT."""
    if entries is not None and len(entries) > MAX_ENTRIES:
        raise Invalid(f"at most {MAX_ENTRIES} entries per request", field=field)
    props: dict[str, Any] = {}
    seen: set[str] = set()
    for index, entry in enumerate(entries or []):
        where = f"{field}[{index}]"
        if entry.key in seen:
            raise Invalid(f"duplicate key {entry.key!r}", field=where)
        seen.add(entry.key)
        props.update(typed_entry(family, entry.key, ValueType(entry.type), entry.raw(where), where))
    return props


def from_properties(props: Mapping[str, Any], family: Family) -> list[TypedValue]:
    """Typed values of one family read back from node properties, sorted by key."""
    return [
        typed_value(key, vt, value) for key, (vt, value) in decode_family(props, family).items()
    ]


def typed_value(key: str, vt: ValueType, value: Any) -> TypedValue:
    """One typed value with exactly the field of its type set."""
    item = TypedValue(key=key, type=vt)
    if vt is ValueType.STRING:
        item.string_value = value
    elif vt is ValueType.INT:
        item.int_value = value
    elif vt is ValueType.FLOAT:
        item.float_value = value
    elif vt is ValueType.BOOL:
        item.bool_value = value
    else:
        item.json_value = value
    return item
