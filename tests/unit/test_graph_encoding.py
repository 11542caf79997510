"""Typed maps flattened onto node properties, and filters normalised to DNF."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import (
    Family,
    ValueType,
    clear_family,
    decode_family,
    removal_entries,
    typed_entry,
)
from modelgraph.domain.ids import new_id
from modelgraph.store.listing import And, Not, Op, Or, Predicate, like_to_regex, to_dnf


def test_typed_entries_round_trip() -> None:
    props: dict[str, object] = {}
    props.update(typed_entry(Family.CUSTOM, "team", ValueType.STRING, "risk", "f"))
    props.update(typed_entry(Family.CUSTOM, "rows", ValueType.INT, 12, "f"))
    props.update(typed_entry(Family.CUSTOM, "ratio", ValueType.FLOAT, 1, "f"))
    props.update(typed_entry(Family.CUSTOM, "ok", ValueType.BOOL, True, "f"))
    props.update(typed_entry(Family.CUSTOM, "cm", ValueType.JSON, [[1, 2], [3, 4]], "f"))
    props.update(typed_entry(Family.METADATA, "team", ValueType.STRING, "other", "f"))
    decoded = decode_family({k: v for k, v in props.items() if v is not None}, Family.CUSTOM)
    assert decoded == {
        "cm": (ValueType.JSON, [[1, 2], [3, 4]]),
        "ok": (ValueType.BOOL, True),
        "ratio": (ValueType.FLOAT, 1.0),
        "rows": (ValueType.INT, 12),
        "team": (ValueType.STRING, "risk"),
    }
    assert set(clear_family(props, Family.CUSTOM)) == {k for k in props if k.startswith("cp")}
    assert removal_entries(Family.CUSTOM, ["x"]) == {"cp.x": None, "cpj.x": None}


@pytest.mark.parametrize(
    ("value_type", "value"),
    [
        (ValueType.INT, "1"),
        (ValueType.INT, True),
        (ValueType.BOOL, 1),
        (ValueType.FLOAT, "x"),
        (ValueType.STRING, 3),
        (ValueType.INT, 2**70),
        (ValueType.FLOAT, float("nan")),
        (ValueType.JSON, {1, 2}),
    ],
)
def test_wrong_values_are_invalid(value_type: ValueType, value: object) -> None:
    with pytest.raises(Invalid):
        typed_entry(Family.CUSTOM, "k", value_type, value, "f")


@pytest.mark.parametrize("key", ["", "a`b", "a'b", "x" * 129, ".lead", "new\nline"])
def test_bad_keys_are_invalid(key: str) -> None:
    with pytest.raises(Invalid):
        typed_entry(Family.CUSTOM, key, ValueType.STRING, "v", "f")


def test_dnf_pushes_not_down_and_distributes() -> None:
    a, b, c = (Predicate(x, Op.EQ, 1) for x in "abc")
    dnf = to_dnf(And([a, Or([b, c])]))
    assert [[p.prop for p in conj] for conj in dnf] == [["a", "b"], ["a", "c"]]
    negated = to_dnf(Not(And([a, b])))
    assert [[(p.prop, p.negate) for p in conj] for conj in negated] == [
        [("a", True)],
        [("b", True)],
    ]
    assert to_dnf(Not(Not(a))) == [[a]]
    with pytest.raises(Invalid):
        to_dnf(Or([]))


def test_like_patterns_are_escaped() -> None:
    assert like_to_regex("a%b_c.", case_insensitive=False) == "(?s)a.*b.c\\."
    assert like_to_regex("X%", case_insensitive=True).startswith("(?is)")


def test_ids_sort_by_creation_and_are_unique() -> None:
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    assert all(len(i) == 26 for i in ids)
