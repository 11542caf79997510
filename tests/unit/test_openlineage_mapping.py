"""The OpenLineage mapping rules, without I/O: types, versions, models, columns, run state."""

from __future__ import annotations

from typing import Any

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.domain.registry import ExecutionType
from modelgraph.openlineage.events import parse_run_event
from modelgraph.openlineage.mapping import RunPlan, plan_event, rules_from
from modelgraph.store.openlineage import run_changes
from tests.openlineage.payloads import dataset, event, facet, new_run

RULES = rules_from({"dbt_model": "FEATURE_ENGINEERING"}, r"models://.*")


def _plan(payload: dict[str, Any]) -> RunPlan:
    return plan_event(parse_run_event(payload), RULES)


def _job_type(job_type: str) -> dict[str, Any]:
    return {
        "jobType": facet(
            "JobTypeJobFacet", processingType="BATCH", integration="DBT", jobType=job_type
        )
    }


def test_type_comes_from_the_job_type_facet_the_configured_mapping_or_the_default() -> None:
    run = new_run()
    assert _plan(event("START", run)).type is None
    assert _plan(event("START", run, job_facets=_job_type("DBT_MODEL"))).type == (
        ExecutionType.FEATURE_ENGINEERING
    )
    assert _plan(event("START", run, job_facets=_job_type("evaluation"))).type == (
        ExecutionType.EVALUATION
    )
    assert _plan(event("START", run, job_facets=_job_type("QUERY"))).type is None
    assert run_changes(None, _plan(event("START", run)))["type"] == "PREPROCESSING"


def test_an_output_in_the_model_namespace_is_a_model_version_and_makes_it_training() -> None:
    run = new_run()
    plan = _plan(
        event(
            "COMPLETE",
            run,
            outputs=[dataset("models://registry", "churn", version="v3"), dataset("s3://x", "y")],
        )
    )
    assert [(m.name, m.version) for m in plan.models] == [("churn", "v3")]
    assert [o.name for o in plan.outputs] == ["y"]
    assert plan.type is ExecutionType.TRAINING
    unversioned = _plan(event("COMPLETE", run, outputs=[dataset("models://r", "churn")]))
    assert unversioned.models[0].version == f"run-{run}"


def test_the_model_facet_names_the_version_and_is_checked() -> None:
    model = facet("ModelgraphModelRunFacet", name="churn", version="v2")
    plan = _plan(event("COMPLETE", new_run(), run_facets={"modelgraph_model": model}))
    assert [(m.name, m.version) for m in plan.models] == [("churn", "v2")]
    assert "modelgraph_model" not in plan.facets["run"]
    bad = facet("ModelgraphModelRunFacet", name="churn", version=2)
    with pytest.raises(Invalid) as refused:
        _plan(event("COMPLETE", new_run(), run_facets={"modelgraph_model": bad}))
    assert refused.value.field == "run.facets.modelgraph_model.version"


def test_a_column_source_not_listed_as_input_becomes_one() -> None:
    lineage = facet(
        "ColumnLineageDatasetFacet",
        fields={
            "b": {
                "inputFields": [{"namespace": "pg", "name": "t", "field": "a"}],
                "transformationType": "IDENTITY",
            }
        },
    )
    out = dataset("s3://x", "y")
    out["facets"]["columnLineage"] = lineage
    plan = _plan(event("COMPLETE", new_run(), outputs=[out]))
    assert [(i.namespace, i.name) for i in plan.inputs] == [("pg", "t")]
    [edge] = plan.columns
    assert (edge.output, edge.field, edge.source, edge.source_field) == (
        ("s3://x", "y"),
        "b",
        ("pg", "t"),
        "a",
    )
    # The deprecated field-level transformationType still says what happened.
    assert edge.transformations == '[{"type":"IDENTITY"}]'


def test_nested_schema_fields_are_flattened() -> None:
    ds = dataset("s3://x", "y")
    ds["facets"]["schema"] = facet(
        "SchemaDatasetFacet",
        fields=[
            {"name": "address", "type": "STRUCT", "fields": [{"name": "city", "type": "STRING"}]}
        ],
    )
    plan = _plan(event("START", new_run(), inputs=[ds]))
    assert [f["name"] for f in plan.inputs[0].fields] == ["address", "address.city"]


def test_the_latest_event_decides_the_state_and_replays_are_keyed() -> None:
    run = new_run()
    complete = _plan(event("COMPLETE", run, at="2026-12-01T10:05:00Z"))
    start = _plan(event("START", run, at="2026-12-01T10:00:00Z"))
    assert complete.key == "COMPLETE@2026-12-01T10:05:00+00:00"
    first = run_changes(None, complete)
    assert first["status"] == "COMPLETED"
    later = run_changes(first, start)
    assert "status" not in later  # an older START does not reopen a finished run
    assert later["startTime"] == start.event_time
    assert later["olEventKeys"] == [complete.key, start.key]
    # Equal eventTime: a terminal event outranks START.
    same = _plan(event("START", run, at="2026-12-01T10:05:00Z"))
    assert "status" not in run_changes(first, same)
    # Another time zone is the same instant, so the same key.
    shifted = _plan(event("COMPLETE", run, at="2026-12-01T11:05:00+01:00"))
    assert shifted.key == complete.key
