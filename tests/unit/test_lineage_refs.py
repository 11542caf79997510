"""The ref grammar and the time window of lineage queries (no database)."""

from __future__ import annotations

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.store.lineage import DeployMode, parse_ref, time_window


def test_every_reading_of_a_ref_is_offered() -> None:
    p = parse_ref("customer-churn-prediction:v2")
    assert p["ref"] == "customer-churn-prediction:v2"
    assert (p["versionParent"], p["version"]) == ("customer-churn-prediction", "v2")
    assert p["environment"] == "" and p["aliasModel"] == ""  # no such reading: matches no name
    p = parse_ref("prod-openshift/churn-prod")
    assert (p["environment"], p["deployment"]) == ("prod-openshift", "churn-prod")
    p = parse_ref("customer-churn-prediction@champion")
    assert (p["aliasModel"], p["alias"]) == ("customer-churn-prediction", "champion")
    # a model name holding ':' still works: the version is after the last one
    assert parse_ref("team:model:v1")["versionParent"] == "team:model"


@pytest.mark.parametrize(
    ("ref", "message", "limit"),
    [
        ("", "ref must not be empty", None),
        ("x" * 601, "ref is 601 characters, over the limit of 600", 600),
        ("   ", "ref '   ' has leading or trailing whitespace", None),
        (" churn-prod", "ref ' churn-prod' has leading or trailing whitespace", None),
        ("churn-prod\t", "ref 'churn-prod\\t' has leading or trailing whitespace", None),
    ],
)
def test_empty_huge_or_padded_refs_are_invalid(ref: str, message: str, limit: int | None) -> None:
    """Refs match names exactly: a padded ref is refused, never stripped into another name."""
    with pytest.raises(Invalid) as refused:
        parse_ref(ref)
    assert (refused.value.message, refused.value.field, refused.value.limit) == (
        message,
        "ref",
        limit,
    )


def test_a_ref_of_exactly_600_characters_is_accepted() -> None:
    assert parse_ref("x" * 600)["ref"] == "x" * 600


def test_time_window_per_mode() -> None:
    top = 2**63 - 1
    assert time_window(DeployMode.ANY, None) == {
        "createdMax": top,
        "edgeLo": -(2**63),
        "edgeHi": top,
    }
    now = time_window(DeployMode.CURRENT, None)
    assert now["edgeLo"] == top - 1  # only open edges (until null -> MAX) pass
    assert time_window(DeployMode.AT, 5) == {"createdMax": 5, "edgeLo": 5, "edgeHi": 5}
    with pytest.raises(Invalid):
        time_window(DeployMode.AT, None)
