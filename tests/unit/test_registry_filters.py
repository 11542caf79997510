"""Filter inputs become store filter trees; the stage workflow allows the documented moves."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.domain.registry import Stage, transition_allowed
from modelgraph.graphql.filters import (
    FilterOp,
    KeyCondition,
    ModelVersionField,
    ModelVersionFilter,
    RegisteredModelField,
    RegisteredModelFilter,
    to_filter,
)
from modelgraph.store.listing import And, Not, Op, Or, Predicate


def test_field_tag_and_key_conditions() -> None:
    flt = RegisteredModelFilter(
        or_=[
            RegisteredModelFilter(field=RegisteredModelField.OWNER, op=FilterOp.EQ, value="risk"),
            RegisteredModelFilter(tag="regulated"),
        ],
        not_=RegisteredModelFilter(
            field=RegisteredModelField.STATE, op=FilterOp.EQ, value="ARCHIVED"
        ),
    )
    assert to_filter(flt) == And(
        [
            Or([Predicate("owner", Op.EQ, "risk"), Predicate("tags", Op.HAS, "regulated")]),
            Not(Predicate("state", Op.EQ, "ARCHIVED")),
        ]
    )
    metric = ModelVersionFilter(metric=KeyCondition(key="accuracy", op=FilterOp.GT, value=0.9))
    assert to_filter(metric) == Predicate("m.accuracy", Op.GT, 0.9)
    cp = ModelVersionFilter(custom_property=KeyCondition(key="team", op=FilterOp.IN, value=["a"]))
    assert to_filter(cp) == Predicate("cp.team", Op.IN, ["a"])
    hp = ModelVersionFilter(hyperparameter=KeyCondition(key="depth", op=FilterOp.EXISTS))
    assert to_filter(hp) == Predicate("hp.depth", Op.EXISTS)


def test_case_insensitive_and_like_become_anchored_regexes() -> None:
    ieq = ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.IEQ, value="a.b")
    assert to_filter(ieq) == Predicate("name", Op.MATCHES, "(?is)a\\.b")
    ilike = ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.ILIKE, value="v%")
    assert to_filter(ilike) == Predicate("name", Op.MATCHES, "(?is)v.*")


def test_list_fields_use_membership() -> None:
    flt = ModelVersionFilter(field=ModelVersionField.TAGS, op=FilterOp.NE, value="x")
    assert to_filter(flt) == Predicate("tags", Op.HAS, "x", negate=True)
    with pytest.raises(Invalid):
        to_filter(ModelVersionFilter(field=ModelVersionField.TAGS, op=FilterOp.LT, value="x"))


@pytest.mark.parametrize(
    "flt",
    [
        ModelVersionFilter(),
        ModelVersionFilter(field=ModelVersionField.NAME),
        ModelVersionFilter(op=FilterOp.EQ, value="x"),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.IN, value="x"),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.EQ, value={"a": 1}),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.EQ, value=None),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.EQ, value=2**70),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.STARTS_WITH, value=1),
        ModelVersionFilter(field=ModelVersionField.NAME, op=FilterOp.ILIKE, value=1),
        ModelVersionFilter(metric=KeyCondition(key="bad'key", op=FilterOp.EQ, value=1)),
        ModelVersionFilter(and_=[]),
    ],
)
def test_malformed_filters_are_invalid(flt: ModelVersionFilter) -> None:
    with pytest.raises(Invalid):
        to_filter(flt)


def test_stage_moves() -> None:
    d, s, p, a = Stage.DEVELOPMENT, Stage.STAGING, Stage.PRODUCTION, Stage.ARCHIVED
    allowed = {(d, s), (s, p), (s, d), (p, d), (a, d), (d, a), (s, a), (p, a)}
    for current in Stage:
        for target in Stage:
            assert transition_allowed(current, target) == ((current, target) in allowed)


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        (ModelVersionFilter(field=ModelVersionField.STAGE, op=FilterOp.EQ, value="prod"), "stage"),
        (
            ModelVersionFilter(field=ModelVersionField.STAGE, op=FilterOp.IN, value=["STAGING", 1]),
            "stage",
        ),
        (ModelVersionFilter(field=ModelVersionField.CREATED_AT, op=FilterOp.GT, value="1"), "num"),
        (
            ModelVersionFilter(
                field=ModelVersionField.MODEL_SIZE_BYTES, op=FilterOp.EQ, value=True
            ),
            "num",
        ),
        (
            RegisteredModelFilter(field=RegisteredModelField.STATE, op=FilterOp.NE, value="live"),
            "LIVE",
        ),
    ],
)
def test_typed_fields_refuse_values_that_could_never_match(
    flt: ModelVersionFilter, message: str
) -> None:
    with pytest.raises(Invalid, match=message) as caught:
        to_filter(flt)
    assert caught.value.field == "filter.value"


def test_enum_fields_still_take_patterns_and_case_insensitive_matches() -> None:
    ieq = ModelVersionFilter(field=ModelVersionField.STAGE, op=FilterOp.IEQ, value="production")
    assert to_filter(ieq) == Predicate("stage", Op.MATCHES, "(?is)production")
    ok = ModelVersionFilter(field=ModelVersionField.STAGE, op=FilterOp.IN, value=["STAGING"])
    assert to_filter(ok) == Predicate("stage", Op.IN, ["STAGING"])
