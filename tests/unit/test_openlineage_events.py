"""OpenLineage 2-0-2 event models: the spec's own examples validate, broken fields are named.

Examples are from OpenLineage/OpenLineage (Apache-2.0): spec/OpenLineage.md (the start event)
and spec/tests/<Facet>/*.json (facets), placed into one run event.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from uuid import UUID

import pytest

from modelgraph.domain.errors import Invalid
from modelgraph.openlineage.events import RunEvent, parse_run_event

PRODUCER = "https://github.com/OpenLineage/OpenLineage/blob/v1-0-0/client"

# spec/OpenLineage.md, "a simple start run event not adding any facet information"
START = {
    "eventType": "START",
    "eventTime": "2020-12-09T23:37:31.081Z",
    "run": {"runId": "3b452093-782c-4ef2-9c0c-aafe2aa6f34d"},
    "job": {"namespace": "my-scheduler-namespace", "name": "myjob.mytask"},
    "inputs": [{"namespace": "my-datasource-namespace", "name": "instance.schema.table"}],
    "outputs": [{"namespace": "my-datasource-namespace", "name": "instance.schema.output_table"}],
    "producer": PRODUCER,
    "schemaURL": "https://openlineage.io/spec/1-0-0/OpenLineage.json#/definitions/RunEvent",
}

# spec/tests/ParentRunFacet/2.json
PARENT = {
    "_producer": "https://github.com/OpenLineage/OpenLineage/tree/0.0.1/integration/airflow",
    "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json",
    "run": {"runId": "f99310b4-3c3c-1a1a-2b2b-c1b95c24ff11"},
    "job": {
        "namespace": "airflow",
        "name": "my_dag.my_task",
        "facets": {
            "jobType": {
                "_producer": PRODUCER,
                "_schemaURL": "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json",
                "processingType": "BATCH",
                "integration": "AIRFLOW",
                "jobType": "TASK",
            }
        },
    },
    "root": {
        "run": {"runId": "a0000000-3c3c-1a1a-2b2b-c1b95c24ff11"},
        "job": {"namespace": "airflow", "name": "my_dag"},
    },
}
# spec/tests/JobTypeJobFacet/3.json
JOB_TYPE = {
    "processingType": "BATCH",
    "integration": "SPARK",
    "jobType": "ETL",
    "emissionPattern": {"eventTrigger": "EVENT_BASED", "eventContentMode": "ACCUMULATIVE"},
    "_producer": PRODUCER,
    "_schemaURL": "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json",
}
# spec/tests/SchemaDatasetFacet/1.json (first fields)
SCHEMA = {
    "fields": [
        {"name": "user_id", "type": "int64", "ordinal_position": 1},
        {
            "name": "phones",
            "type": "array",
            "description": "List of phone numbers",
            "ordinal_position": 5,
            "fields": [{"name": "_element", "type": "string", "description": "Phone number"}],
        },
    ],
    "_producer": PRODUCER,
    "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/SchemaDatasetFacet.json",
}
# spec/tests/DatasourceDatasetFacet/1.json
DATA_SOURCE = {
    "_producer": "https://some.producer.com/version/1.0",
    "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/DatasourceDatasetFacet.json",
    "name": "datasource_one",
    "uri": "https://some.location.com/datsource/one",
}
# spec/tests/DatasetVersionDatasetFacet/1.json
VERSION = {
    "datasetVersion": "2",
    "_producer": PRODUCER,
    "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json",
}
# spec/tests/ColumnLineageDatasetFacet/2.json (first field)
COLUMN_LINEAGE = {
    "_producer": "https://github.com/OpenLineage/OpenLineage/tree/1.23.0-SNAPSHOT/integration/spark",
    "_schemaURL": "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json"
    "#/$defs/ColumnLineageDatasetFacet",
    "fields": {
        "id": {
            "inputFields": [
                {
                    "namespace": "s3://test-bucket",
                    "name": "/iceberg_warehouse/some-database/people",
                    "field": "id",
                    "transformations": [
                        {
                            "type": "DIRECT",
                            "subtype": "IDENTITY",
                            "description": "",
                            "masking": False,
                        }
                    ],
                }
            ]
        }
    },
    "dataset": [
        {
            "namespace": "s3://test-bucket",
            "name": "/iceberg_warehouse/some-database/people",
            "field": "last_name",
            "transformations": [{"type": "INDIRECT", "subtype": "SORT"}],
        }
    ],
}
# A facet ModelGraph does not model (spec/tests/NominalTimeRunFacet): kept as sent.
NOMINAL_TIME = {
    "_producer": PRODUCER,
    "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/NominalTimeRunFacet.json",
    "nominalStartTime": "2020-12-17T03:00:00.001Z",
}


def full_event() -> dict[str, Any]:
    event = copy.deepcopy(START)
    event["schemaURL"] = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    event["run"]["facets"] = {"parent": PARENT, "nominalTime": NOMINAL_TIME}
    event["job"]["facets"] = {"jobType": JOB_TYPE}
    event["inputs"][0]["facets"] = {"schema": SCHEMA, "dataSource": DATA_SOURCE, "version": VERSION}
    event["outputs"][0]["facets"] = {"columnLineage": COLUMN_LINEAGE}
    return copy.deepcopy(event)


def test_the_spec_start_event_is_accepted() -> None:
    event = parse_run_event(START)
    assert event.event_type == "START"
    assert event.run.run_id == UUID("3b452093-782c-4ef2-9c0c-aafe2aa6f34d")
    assert event.event_time.isoformat() == "2020-12-09T23:37:31.081000+00:00"
    assert [d.name for d in event.inputs or []] == ["instance.schema.table"]


def test_an_event_with_every_modelled_facet_is_accepted_from_json_text() -> None:
    event = parse_run_event(json.dumps(full_event()))
    run_facets, job_facets = event.run.facets, event.job.facets
    assert run_facets is not None and run_facets.parent is not None
    assert run_facets.parent.root is not None and run_facets.parent.root.job.name == "my_dag"
    assert run_facets.parent.job.facets is not None
    assert run_facets.parent.job.facets["jobType"].model_extra == {
        "processingType": "BATCH",
        "integration": "AIRFLOW",
        "jobType": "TASK",
    }
    assert run_facets.model_extra is not None
    assert run_facets.model_extra["nominalTime"].producer == PRODUCER  # unknown facet: kept
    assert job_facets is not None and job_facets.job_type is not None
    assert job_facets.job_type.emission_pattern is not None
    assert job_facets.job_type.emission_pattern.event_content_mode == "ACCUMULATIVE"
    facets = (event.inputs or [])[0].facets
    assert facets is not None and facets.schema_ is not None and facets.version is not None
    assert [f.name for f in facets.schema_.fields or []] == ["user_id", "phones"]
    assert facets.data_source is not None and facets.data_source.name == "datasource_one"
    assert facets.version.dataset_version == "2"
    out = (event.outputs or [])[0].facets
    assert out is not None and out.column_lineage is not None
    assert out.column_lineage.fields["id"].input_fields[0].field == "id"
    # the original names come back on output (aliases), so events can be stored as sent
    dumped = event.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["run"]["facets"]["parent"]["_producer"] == PARENT["_producer"]
    assert dumped["inputs"][0]["facets"]["dataSource"] == DATA_SOURCE


def _without(path: list[str | int]) -> dict[str, Any]:
    event = full_event()
    node: Any = event
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return event


def _with(path: list[str | int], value: Any) -> dict[str, Any]:
    event = full_event()
    node: Any = event
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return event


REQUIRED = [
    ["eventTime"],
    ["producer"],
    ["schemaURL"],
    ["run"],
    ["job"],
    ["run", "runId"],
    ["job", "namespace"],
    ["job", "name"],
    ["inputs", 0, "namespace"],
    ["outputs", 0, "name"],
    ["run", "facets", "parent", "run"],
    ["run", "facets", "parent", "job", "name"],
    ["run", "facets", "parent", "root", "job"],
    ["run", "facets", "nominalTime", "_producer"],
    ["job", "facets", "jobType", "processingType"],
    ["job", "facets", "jobType", "integration"],
    ["job", "facets", "jobType", "_schemaURL"],
    ["job", "facets", "jobType", "emissionPattern", "eventTrigger"],
    ["inputs", 0, "facets", "schema", "fields", 1, "name"],
    ["inputs", 0, "facets", "schema", "fields", 1, "fields", 0, "name"],
    ["inputs", 0, "facets", "version", "datasetVersion"],
    ["inputs", 0, "facets", "dataSource", "_producer"],
    ["outputs", 0, "facets", "columnLineage", "fields"],
    ["outputs", 0, "facets", "columnLineage", "fields", "id", "inputFields"],
    ["outputs", 0, "facets", "columnLineage", "dataset", 0, "field"],
    ["outputs", 0, "facets", "columnLineage", "fields", "id", "inputFields", 0, "namespace"],
    ["outputs", 0, "facets", "columnLineage", "dataset", 0, "transformations", 0, "type"],
]


@pytest.mark.parametrize("path", REQUIRED, ids=lambda p: ".".join(map(str, p)))
def test_a_missing_required_field_is_refused_by_its_path(path: list[str | int]) -> None:
    with pytest.raises(Invalid) as refused:
        parse_run_event(_without(path))
    where = ".".join(map(str, path))
    assert refused.value.field == where
    assert refused.value.message == f"{where}: Field required"


ILL_TYPED = [
    (["eventTime"], "yesterday"),
    (["eventTime"], "2020-12-09T23:37:31"),  # no offset: not an RFC 3339 date-time
    (["producer"], "not a uri"),
    (["schemaURL"], 42),
    (["eventType"], "STARTED"),
    (["run", "runId"], "not-a-uuid"),
    (["job", "name"], 7),
    (["inputs"], {"namespace": "n", "name": "x"}),
    (["run", "facets", "parent", "run", "runId"], 12),
    (["job", "facets", "jobType", "emissionPattern", "windowDuration"], 0),
    (["job", "facets", "jobType", "emissionPattern", "windowDuration"], "300"),
    (["inputs", 0, "facets", "schema", "fields", 0, "ordinal_position"], "1"),
    (["inputs", 0, "facets", "dataSource", "uri"], "no scheme"),
    (["inputs", 0, "facets", "version", "datasetVersion"], 2),
    (["outputs", 0, "facets", "columnLineage", "fields", "id", "inputFields"], "id"),
    (
        ["outputs", 0, "facets", "columnLineage", "dataset", 0, "transformations", 0, "masking"],
        "no",
    ),
    (["job", "facets", "jobType", "_deleted"], "yes"),
]


@pytest.mark.parametrize(
    ("path", "value"), ILL_TYPED, ids=lambda p: ".".join(map(str, p)) if isinstance(p, list) else ""
)
def test_an_ill_typed_field_is_refused_by_its_path(path: list[str | int], value: Any) -> None:
    with pytest.raises(Invalid) as refused:
        parse_run_event(_with(path, value))
    assert refused.value.field == ".".join(map(str, path))
    assert refused.value.code == "INVALID_ARGUMENT"


def test_a_facet_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        parse_run_event(_with(["run", "facets", "nominalTime"], "2020-12-17"))
    assert refused.value.field == "run.facets.nominalTime"


def test_models_are_frozen() -> None:
    event = RunEvent.model_validate(START)
    with pytest.raises(ValueError):
        event.producer = "https://elsewhere"  # type: ignore[misc]
