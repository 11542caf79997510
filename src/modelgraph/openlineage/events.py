"""OpenLineage run events (spec 2-0-2) and the facets ModelGraph reads, as pydantic models.

Follows https://openlineage.io/spec/2-0-2/OpenLineage.json and its facet schemas
(spec/facets/*.json in OpenLineage/OpenLineage): required fields are required here, scalar
types are strict (``"1"`` is not an integer), and everything the spec leaves open (unknown
facets, extra facet fields) is kept. :func:`parse_run_event` turns a payload into a
:class:`RunEvent` or an ``Invalid`` naming the first offending field path (``run.runId``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from modelgraph.domain.errors import Invalid

SPEC_VERSION = "2-0-2"
SCHEMA_URL = f"https://openlineage.io/spec/{SPEC_VERSION}/OpenLineage.json#/$defs/RunEvent"

# format: uri — a scheme, then anything (the spec's examples hold s3://, https://, dbt://, ...)
Uri = Annotated[StrictStr, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")]


class _Open(BaseModel):
    """An object of the spec: fields by their spec names, unknown fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class BaseFacet(_Open):
    """Every facet names its producer and the schema it follows."""

    producer: Uri = Field(alias="_producer")
    schema_url: Uri = Field(alias="_schemaURL")


class RunFacet(BaseFacet):
    """A run facet ModelGraph does not model: its base fields are checked, the rest kept."""


class JobFacet(BaseFacet):
    deleted: StrictBool | None = Field(default=None, alias="_deleted")


class DatasetFacet(BaseFacet):
    deleted: StrictBool | None = Field(default=None, alias="_deleted")


class InputDatasetFacet(BaseFacet):
    pass


class OutputDatasetFacet(BaseFacet):
    pass


# --- run facets -------------------------------------------------------------------------------


class ParentRun(_Open):
    run_id: UUID = Field(alias="runId")
    facets: dict[str, RunFacet] | None = None


class ParentJob(_Open):
    namespace: StrictStr
    name: StrictStr
    facets: dict[str, JobFacet] | None = None


class ParentRoot(_Open):
    run: ParentRun
    job: ParentJob


class ParentRunFacet(RunFacet):
    """ParentRunFacet 1-2-0: the run (and job) that spawned this one, and the root of the tree."""

    run: ParentRun
    job: ParentJob
    root: ParentRoot | None = None


class RunFacets(_Open):
    parent: ParentRunFacet | None = None
    __pydantic_extra__: dict[str, RunFacet] = Field(init=False)


# --- job facets -------------------------------------------------------------------------------


class EmissionPattern(_Open):
    event_trigger: StrictStr = Field(alias="eventTrigger")
    event_content_mode: StrictStr = Field(alias="eventContentMode")
    window_duration: Annotated[StrictInt, Field(ge=1)] | None = Field(
        default=None, alias="windowDuration"
    )


class JobTypeJobFacet(JobFacet):
    """JobTypeJobFacet 2-0-4: BATCH or STREAMING, the integration, its own job type."""

    processing_type: StrictStr = Field(alias="processingType")
    integration: StrictStr
    job_type: StrictStr | None = Field(default=None, alias="jobType")
    emission_pattern: EmissionPattern | None = Field(default=None, alias="emissionPattern")


class JobFacets(_Open):
    job_type: JobTypeJobFacet | None = Field(default=None, alias="jobType")
    __pydantic_extra__: dict[str, JobFacet] = Field(init=False)


# --- dataset facets ---------------------------------------------------------------------------


class SchemaField(_Open):
    name: StrictStr
    type: StrictStr | None = None
    description: StrictStr | None = None
    ordinal_position: StrictInt | None = None
    fields: list[SchemaField] | None = None


class SchemaDatasetFacet(DatasetFacet):
    """SchemaDatasetFacet 1-2-0: the dataset's fields, nested for structs."""

    fields: list[SchemaField] | None = None


class DatasourceDatasetFacet(DatasetFacet):
    """DatasourceDatasetFacet 1-0-1."""

    name: StrictStr | None = None
    uri: Uri | None = None


class Transformation(_Open):
    type: StrictStr
    subtype: StrictStr | None = None
    description: StrictStr | None = None
    masking: StrictBool | None = None


class InputField(_Open):
    namespace: StrictStr
    name: StrictStr
    field: StrictStr
    transformations: list[Transformation] | None = None


class ColumnLineageField(_Open):
    input_fields: list[InputField] = Field(alias="inputFields")
    transformation_description: StrictStr | None = Field(
        default=None, alias="transformationDescription"
    )
    transformation_type: StrictStr | None = Field(default=None, alias="transformationType")


class ColumnLineageDatasetFacet(DatasetFacet):
    """ColumnLineageDatasetFacet 1-2-0: output field -> the input fields it is computed from."""

    fields: dict[str, ColumnLineageField]
    dataset: list[InputField] | None = None


class DatasetVersionDatasetFacet(DatasetFacet):
    """DatasetVersionDatasetFacet 1-0-1."""

    dataset_version: StrictStr = Field(alias="datasetVersion")


class DatasetFacets(_Open):
    schema_: SchemaDatasetFacet | None = Field(default=None, alias="schema")
    data_source: DatasourceDatasetFacet | None = Field(default=None, alias="dataSource")
    column_lineage: ColumnLineageDatasetFacet | None = Field(default=None, alias="columnLineage")
    version: DatasetVersionDatasetFacet | None = None
    __pydantic_extra__: dict[str, DatasetFacet] = Field(init=False)


# --- the event --------------------------------------------------------------------------------


class Run(_Open):
    run_id: UUID = Field(alias="runId")
    facets: RunFacets | None = None


class Job(_Open):
    namespace: StrictStr
    name: StrictStr
    facets: JobFacets | None = None


class Dataset(_Open):
    namespace: StrictStr
    name: StrictStr
    facets: DatasetFacets | None = None


class InputDataset(Dataset):
    input_facets: dict[str, InputDatasetFacet] | None = Field(default=None, alias="inputFacets")


class OutputDataset(Dataset):
    output_facets: dict[str, OutputDatasetFacet] | None = Field(default=None, alias="outputFacets")


EventType = Literal["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]


class RunEvent(_Open):
    """A run's state transition with the job, its inputs and its outputs (BaseEvent fields too)."""

    event_time: AwareDatetime = Field(alias="eventTime")
    producer: Uri
    schema_url: Uri = Field(alias="schemaURL")
    event_type: EventType | None = Field(default=None, alias="eventType")
    run: Run
    job: Job
    inputs: list[InputDataset] | None = None
    outputs: list[OutputDataset] | None = None


def parse_run_event(payload: Mapping[str, Any] | str | bytes) -> RunEvent:
    """A RunEvent from decoded JSON or JSON text; Invalid names the first bad field path."""
    try:
        if isinstance(payload, str | bytes):
            return RunEvent.model_validate_json(payload)
        return RunEvent.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = ".".join(str(part) for part in first["loc"]) or "event"
        raise Invalid(f"{path}: {first['msg']}", field=path) from None
