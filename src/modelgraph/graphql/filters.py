"""List filters: per-kind field enums (from the kind catalogue) and AND / OR / NOT inputs, turned
into store.listing trees.

Property names come from the enums (or from validated typed-map keys), never from free text.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry

from modelgraph.domain.catalog import (
    BOOL_PROPS,
    COMMON,
    ENUM_PROPS,
    KINDS,
    LIST_PROPS,
    NUMBER_PROPS,
)
from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    ENV_PREFIX,
    METRIC_PREFIX,
    Family,
    Label,
    check_key,
    check_scalar,
)
from modelgraph.graphql.catalog import Injected, derive, optional
from modelgraph.graphql.scalars import JSON
from modelgraph.store.listing import And, Filter, Not, Op, Or, Predicate, like_to_regex

MAX_IN_VALUES = 1000


@strawberry.enum(description="Comparison operators of list filters.")
class FilterOp(Enum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS_WITH"
    ENDS_WITH = "ENDS_WITH"
    IEQ = strawberry.enum_value("IEQ", description="Equal, ignoring case.")
    LIKE = strawberry.enum_value("LIKE", description="SQL LIKE pattern: % any run, _ one char.")
    ILIKE = strawberry.enum_value("ILIKE", description="LIKE, ignoring case.")
    EXISTS = strawberry.enum_value("EXISTS", description="The property is set (no value).")


@strawberry.input(description="A condition on one key of a typed map, metrics or environment.")
class KeyCondition:
    key: str
    op: FilterOp
    value: JSON | None = None


@strawberry.input(description="Conditions every list filter has; set ones are ANDed.")
class FilterConditions:
    """The kind-independent part of a filter; each kind adds and / or / not and its fields."""

    op: FilterOp | None = None
    value: JSON | None = None
    tag: str | None = strawberry.field(default=None, description="Has this tag.")
    custom_property: KeyCondition | None = None
    metadata: KeyCondition | None = None
    metric: KeyCondition | None = strawberry.field(default=None, description="Latest metric value.")
    hyperparameter: KeyCondition | None = None
    environment: KeyCondition | None = None
    if TYPE_CHECKING:  # each kind's own, added by kind_filter
        and_: list[Any] | None
        or_: list[Any] | None
        not_: Any
        field: Enum | None


def _field_enum(kind: Label) -> type[Enum]:
    """The filterable fields of ``kind`` (catalogue fields with a scalar shape)."""
    members = {p.name.upper(): p.prop for p in COMMON + KINDS[kind] if p.in_filter}
    enum = Enum(f"{kind.value}Field", members)  # type: ignore[misc]
    return strawberry.enum(enum, description=f"Filterable fields of {kind.value}.")


def _kind_filter(kind: Label, fields: type[Enum]) -> type[FilterConditions]:
    """The filter input of ``kind``: the common conditions, and / or / not of itself, a field."""
    name = f"{kind.value}Filter"
    cls = type(name, (FilterConditions,), {"__module__": __name__, "__qualname__": name})
    tree: list[Injected] = [
        ("and_", optional(list[cls]), strawberry.field(name="and", default=None)),  # type: ignore[valid-type]
        ("or_", optional(list[cls]), strawberry.field(name="or", default=None)),  # type: ignore[valid-type]
        ("not_", optional(cls), strawberry.field(name="not", default=None)),
        ("field", optional(fields), None),
    ]
    description = f"A filter on {kind.value} lists: one condition, or and / or / not."
    return strawberry.input(derive(tree)(cls), description=description)


# The field enum and filter input of each kind; the list fields use them (graphql/registry.py).
FIELDS = {kind: _field_enum(kind) for kind in KINDS}
FILTERS = {kind: _kind_filter(kind, FIELDS[kind]) for kind in KINDS}
# Named for callers that build filters in Python (tests/unit/test_registry_filters.py).
RegisteredModelFilter, RegisteredModelField = (
    FILTERS[Label.REGISTERED_MODEL],
    FIELDS[Label.REGISTERED_MODEL],
)
ModelVersionFilter, ModelVersionField = FILTERS[Label.MODEL_VERSION], FIELDS[Label.MODEL_VERSION]


def _scalar(value: Any, field: str) -> Any:
    if isinstance(value, (dict, list)) or value is None:
        raise Invalid("filter value must be a string, number or boolean", field=field)
    return check_scalar(value, field)


def predicate(prop: str, op: FilterOp, value: Any, field: str) -> Predicate:
    """One leaf predicate, with its value checked against the operator."""
    if op is FilterOp.EXISTS:
        return Predicate(prop, Op.EXISTS)
    if prop in LIST_PROPS:
        if op in (FilterOp.EQ, FilterOp.CONTAINS):
            return Predicate(prop, Op.HAS, _scalar(value, field))
        if op is FilterOp.NE:
            return Predicate(prop, Op.HAS, _scalar(value, field), negate=True)
        raise Invalid(f"list field supports EQ, NE, CONTAINS, EXISTS, not {op.value}", field=field)
    if op is FilterOp.IN:
        if not isinstance(value, list) or len(value) > MAX_IN_VALUES:
            raise Invalid(f"IN needs a list of at most {MAX_IN_VALUES} values", field=field)
        return Predicate(prop, Op.IN, [_scalar(v, field) for v in value])
    checked = _scalar(value, field)
    if op in (FilterOp.IEQ, FilterOp.LIKE, FilterOp.ILIKE):
        if not isinstance(checked, str):
            raise Invalid(f"{op.value} needs a string value", field=field)
        if op is FilterOp.IEQ:
            return Predicate(prop, Op.MATCHES, "(?is)" + re.escape(checked))
        return Predicate(
            prop, Op.MATCHES, like_to_regex(checked, case_insensitive=op is FilterOp.ILIKE)
        )
    if op in (FilterOp.CONTAINS, FilterOp.STARTS_WITH, FilterOp.ENDS_WITH) and not isinstance(
        checked, str
    ):
        raise Invalid(f"{op.value} needs a string value", field=field)
    return Predicate(prop, Op(op.value), checked)


def _check_field_value(prop: str, op: FilterOp, value: Any, field: str) -> None:
    """Values of numeric, boolean and enum fields must have that type (each item of a list).

    Enum values are checked for EQ / NE / IN only: pattern and case-insensitive matches are free.
    """
    for item in value if isinstance(value, list) else [value]:
        if prop in NUMBER_PROPS and (isinstance(item, bool) or not isinstance(item, (int, float))):
            raise Invalid(f"{prop} is compared with numbers, not {item!r}", field=field)
        if prop in BOOL_PROPS and not isinstance(item, bool):
            raise Invalid(f"{prop} is compared with true or false, not {item!r}", field=field)
        allowed = ENUM_PROPS.get(prop) if op in (FilterOp.EQ, FilterOp.NE, FilterOp.IN) else None
        if allowed is not None and item not in allowed:
            raise Invalid(
                f"{prop} is one of {', '.join(sorted(allowed))}, not {item!r}", field=field
            )


def _key_condition(prefix: str, cond: KeyCondition, field: str) -> Predicate:
    check_key(cond.key, f"{field}.key")
    return predicate(prefix + cond.key, cond.op, cond.value, field)


def to_filter(
    node: FilterConditions | None, field: str = "filter", depth: int = 0
) -> Filter | None:
    """The store filter tree of a filter input; set conditions of one input are ANDed."""
    if node is None:
        return None
    if depth > 10:
        raise Invalid("filter nested too deeply", field=field)
    parts: list[Filter] = []
    if node.and_ == [] or node.or_ == []:
        raise Invalid("and / or need at least one operand", field=field)
    if node.and_ is not None:
        parts.append(And([_required(to_filter(x, f"{field}.and", depth + 1)) for x in node.and_]))
    if node.or_ is not None:
        parts.append(Or([_required(to_filter(x, f"{field}.or", depth + 1)) for x in node.or_]))
    if node.not_ is not None:
        parts.append(Not(_required(to_filter(node.not_, f"{field}.not", depth + 1))))
    if node.field is not None:
        if node.op is None:
            raise Invalid("a field condition needs `op`", field=f"{field}.op")
        prop = node.field.value
        if node.op is not FilterOp.EXISTS:
            _check_field_value(prop, node.op, node.value, f"{field}.value")
        parts.append(predicate(prop, node.op, node.value, f"{field}.value"))
    elif node.op is not None or node.value is not None:
        raise Invalid("`op` and `value` need `field`", field=f"{field}.field")
    if node.tag is not None:
        parts.append(Predicate("tags", Op.HAS, node.tag))
    keyed = [
        (node.custom_property, Family.CUSTOM.scalar_prefix, "customProperty"),
        (node.metadata, Family.METADATA.scalar_prefix, "metadata"),
        (node.metric, METRIC_PREFIX, "metric"),
        (node.hyperparameter, Family.HYPERPARAMETERS.scalar_prefix, "hyperparameter"),
        (node.environment, ENV_PREFIX, "environment"),
    ]
    for cond, prefix, name in keyed:
        if cond is not None:
            parts.append(_key_condition(prefix, cond, f"{field}.{name}"))
    if not parts:
        raise Invalid("empty filter: set a condition or and / or / not", field=field)
    return parts[0] if len(parts) == 1 else And(parts)


def _required(item: Filter | None) -> Filter:
    assert item is not None  # to_filter returns None only for a None input
    return item
