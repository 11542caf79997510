"""OpenLineage 2-0-2 events as JSON, the way integrations send them (for the raw-HTTP tests)."""

from __future__ import annotations

import uuid
from typing import Any

PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/integration/airflow"
SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def facet(schema: str, /, **fields: Any) -> dict[str, Any]:
    """A facet with the base fields every facet carries."""
    return {
        "_producer": PRODUCER,
        "_schemaURL": f"https://openlineage.io/spec/facets/1-0-0/{schema}.json",
        **fields,
    }


def dataset(
    namespace: str,
    name: str,
    *,
    version: str | None = None,
    fields: list[tuple[str, str]] | None = None,
    **facets: dict[str, Any],
) -> dict[str, Any]:
    """A dataset with optional version and schema facets (more facets by keyword)."""
    out = dict(facets)
    if version is not None:
        out["version"] = facet("DatasetVersionDatasetFacet", datasetVersion=version)
    if fields is not None:
        out["schema"] = facet(
            "SchemaDatasetFacet", fields=[{"name": n, "type": t} for n, t in fields]
        )
    return {"namespace": namespace, "name": name, "facets": out}


def event(
    event_type: str,
    run_id: str,
    *,
    job: str = "crm.extract_transactions",
    namespace: str = "airflow-prod",
    at: str = "2026-12-01T10:00:00.000Z",
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    run_facets: dict[str, Any] | None = None,
    job_facets: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A RunEvent."""
    return {
        "eventType": event_type,
        "eventTime": at,
        "producer": PRODUCER,
        "schemaURL": SCHEMA,
        "run": {"runId": run_id, "facets": run_facets or {}},
        "job": {"namespace": namespace, "name": job, "facets": job_facets or {}},
        "inputs": inputs or [],
        "outputs": outputs or [],
    }


def new_run() -> str:
    return str(uuid.uuid4())
