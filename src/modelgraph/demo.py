"""The demo graph the README tours, loaded through the public GraphQL mutations (idempotent).

Every step looks its object up first, so a second run changes nothing. It doubles as an
end-to-end example of the API: datasets, a preprocessing run, registerModel with training
lineage, the stage workflow, aliases and deployments with history.
"""

from __future__ import annotations

import uuid
from typing import Any

from modelgraph.domain.access import local_principal
from modelgraph.domain.errors import ModelGraphError
from modelgraph.graphql.context import Context
from modelgraph.openlineage.events import SCHEMA_URL, parse_run_event
from modelgraph.openlineage.mapping import MappingRules, plan_event
from modelgraph.settings import Settings
from modelgraph.store import openlineage
from modelgraph.store.db import Database

DEMO_USER = "demo-loader"
REVIEWER = "demo-reviewer"

_DATASET = """
query($name: String!) { dataset(name: $name) { id } }
"""
_CREATE_DATASET = """
mutation($input: DatasetCreate!) { createDataset(input: $input) { id } }
"""
_DATASET_VERSION = """
query($d: String!, $v: String!) { datasetVersion(datasetName: $d, version: $v) { id } }
"""
_CREATE_DATASET_VERSION = """
mutation($id: ID!, $input: DatasetVersionCreate!) {
  createDatasetVersion(datasetId: $id, input: $input) { id }
}
"""
_EXECUTION_BY_EXTERNAL_ID = """
query($x: JSON!) {
  executions(first: 1, filter: {field: EXTERNAL_ID, op: EQ, value: $x}) { nodes { id } }
}
"""
_CREATE_EXECUTION = """
mutation($input: ExecutionCreate!) { createExecution(input: $input) { id } }
"""
_ADD_INPUT = """
mutation($x: ID!, $e: ID!, $role: String!) {
  addExecutionInput(executionId: $x, entityId: $e, role: $role) { id }
}
"""
_ADD_OUTPUT = """
mutation($x: ID!, $e: ID!) { addExecutionOutput(executionId: $x, entityId: $e) { id } }
"""
_VERSION = """
query($m: String!, $v: String!) {
  modelVersion(modelName: $m, versionName: $v) { id modelId stage }
}
"""
_REGISTER = """
mutation($input: RegisterModelInput!) {
  registerModel(input: $input) { model { id } version { id } }
}
"""
_APPROVE = """
mutation($id: ID!, $stage: Stage!) {
  approveVersion(versionId: $id, stage: $stage, comment: "metrics reviewed") { id }
}
"""
_TRANSITION = """
mutation($id: ID!, $to: Stage!, $comment: String) {
  transitionStage(versionId: $id, to: $to, comment: $comment) { stage }
}
"""
_SET_ALIAS = """
mutation($m: ID!, $alias: String!, $v: ID!) {
  setAlias(modelId: $m, alias: $alias, versionId: $v) { alias }
}
"""
_ALIASES = """
query($name: String!) { registeredModel(name: $name) { aliases { alias versionId } } }
"""
_ENVIRONMENT = """
query($name: String!) { servingEnvironment(name: $name) { id } }
"""
_CREATE_ENVIRONMENT = """
mutation($input: ServingEnvironmentCreate!) { createServingEnvironment(input: $input) { id } }
"""
_DEPLOYMENT = """
query($env: String!, $name: String!) {
  deployment(servingEnvironmentName: $env, name: $name) { id }
}
"""
_DEPLOY = """
mutation($v: ID!, $env: String!, $name: String!, $input: DeploymentUpdate) {
  deploy(versionId: $v, servingEnvironment: $env, deploymentName: $name, input: $input) { id }
}
"""


class DemoError(RuntimeError):
    """A GraphQL call of the demo loader failed."""


async def _run(
    db: Database, settings: Settings, query: str, user: str = DEMO_USER, **variables: Any
) -> dict[str, Any]:
    from modelgraph.graphql.schema import schema

    result = await schema.execute(
        query, variable_values=variables, context_value=Context(db=db, settings=settings, user=user)
    )
    if result.errors:
        first = result.errors[0]
        if isinstance(first.original_error, ModelGraphError):
            raise first.original_error
        raise DemoError(first.message)
    assert result.data is not None
    return result.data


def _hp(key: str, value: float | int) -> dict[str, Any]:
    if isinstance(value, int):
        return {"key": key, "type": "INT", "intValue": value}
    return {"key": key, "type": "FLOAT", "floatValue": value}


class _Loader:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self.created = 0

    async def run(self, query: str, user: str = DEMO_USER, **variables: Any) -> dict[str, Any]:
        return await _run(self.db, self.settings, query, user, **variables)

    async def dataset(self, name: str, owner: str, source: str) -> str:
        found = (await self.run(_DATASET, name=name))["dataset"]
        if found:
            return str(found["id"])
        self.created += 1
        data = await self.run(
            _CREATE_DATASET,
            input={"name": name, "owner": owner, "sourceUri": source, "format": "parquet"},
        )
        return str(data["createDataset"]["id"])

    async def dataset_version(self, dataset: str, dataset_id: str, spec: dict[str, Any]) -> str:
        found = (await self.run(_DATASET_VERSION, d=dataset, v=spec["name"]))["datasetVersion"]
        if found:
            return str(found["id"])
        self.created += 1
        data = await self.run(_CREATE_DATASET_VERSION, id=dataset_id, input=spec)
        return str(data["createDatasetVersion"]["id"])

    async def preprocessing(self, name: str, inputs: list[str], outputs: list[str]) -> str:
        found = (await self.run(_EXECUTION_BY_EXTERNAL_ID, x=name))["executions"]["nodes"]
        if found:
            return str(found[0]["id"])
        self.created += 1
        spec = {
            "name": name,
            "externalId": name,
            "type": "PREPROCESSING",
            "status": "COMPLETED",
            "environment": [{"key": "hardware", "value": "4 vCPU"}],
            "libraries": ["pandas==2.2.2", "pyarrow==16.1.0"],
        }
        run_id = str((await self.run(_CREATE_EXECUTION, input=spec))["createExecution"]["id"])
        for entity in inputs:
            await self.run(_ADD_INPUT, x=run_id, e=entity, role="input")
        for entity in outputs:
            await self.run(_ADD_OUTPUT, x=run_id, e=entity)
        return run_id

    async def model_version(
        self, model: str, version: str, registration: dict[str, Any]
    ) -> dict[str, Any]:
        found = (await self.run(_VERSION, m=model, v=version))["modelVersion"]
        if found:
            return dict(found)
        self.created += 1
        data = await self.run(
            _REGISTER, input={"modelName": model, "versionName": version, **registration}
        )
        reg = data["registerModel"]
        return {"id": reg["version"]["id"], "modelId": reg["model"]["id"], "stage": "DEVELOPMENT"}

    async def promote(self, version: dict[str, Any], to: str) -> None:
        order = ["DEVELOPMENT", "STAGING", "PRODUCTION"]
        current = version["stage"]
        if current not in order or order.index(current) >= order.index(to):
            return
        for stage in order[order.index(current) + 1 : order.index(to) + 1]:
            if stage == "PRODUCTION":
                await self.run(_APPROVE, user=REVIEWER, id=version["id"], stage=stage)
            await self.run(_TRANSITION, id=version["id"], to=stage, comment=f"promote to {stage}")
            self.created += 1

    async def retire(self, version: dict[str, Any], comment: str) -> None:
        """Move a superseded version to stage ARCHIVED; it stays LIVE for its history."""
        if version["stage"] == "ARCHIVED":
            return
        await self.run(_TRANSITION, id=version["id"], to="ARCHIVED", comment=comment)
        self.created += 1

    async def alias(self, model: str, version: dict[str, Any], alias: str) -> None:
        current = (await self.run(_ALIASES, name=model))["registeredModel"]["aliases"]
        if {"alias": alias, "versionId": version["id"]} in current:
            return
        self.created += 1
        await self.run(_SET_ALIAS, m=version["modelId"], alias=alias, v=version["id"])

    async def environment(self, name: str, platform: str, region: str) -> None:
        if (await self.run(_ENVIRONMENT, name=name))["servingEnvironment"]:
            return
        self.created += 1
        await self.run(
            _CREATE_ENVIRONMENT, input={"name": name, "platform": platform, "region": region}
        )

    async def deploy_history(
        self, env: str, name: str, versions: list[str], spec: dict[str, Any]
    ) -> None:
        if (await self.run(_DEPLOYMENT, env=env, name=name))["deployment"]:
            return
        for version_id in versions:
            self.created += 1
            await self.run(_DEPLOY, v=version_id, env=env, name=name, input=spec)


_OL_PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/integration/airflow"
_OL_RUNS = uuid.UUID("6f0c8a52-3b0e-4d55-9a43-2f1c7d0e5b10")  # namespace of the demo's runIds


def _ol_facet(schema: str, **fields: Any) -> dict[str, Any]:
    url = f"https://openlineage.io/spec/facets/1-0-0/{schema}.json"
    return {"_producer": _OL_PRODUCER, "_schemaURL": url, **fields}


def _ol_events(version: str, day: str) -> list[dict[str, Any]]:
    """An Airflow DAG run whose task exports the CRM table to customer-transactions ``version``."""
    dag_run = str(uuid.uuid5(_OL_RUNS, f"crm_daily/{day}"))
    task_run = str(uuid.uuid5(_OL_RUNS, f"crm_daily.export_transactions/{day}"))
    crm = {
        "namespace": "postgres://crm-db:5432",
        "name": "crm.public.transactions",
        "facets": {
            "schema": _ol_facet(
                "SchemaDatasetFacet",
                fields=[
                    {"name": "transaction_id", "type": "BIGINT"},
                    {"name": "customer_id", "type": "BIGINT"},
                    {"name": "amount", "type": "NUMERIC"},
                ],
            ),
            "dataSource": _ol_facet(
                "DatasourceDatasetFacet", name="crm-db", uri="postgres://crm-db:5432/crm"
            ),
        },
    }
    raw = {
        "namespace": "s3://raw",
        "name": "customer-transactions",
        "facets": {"version": _ol_facet("DatasetVersionDatasetFacet", datasetVersion=version)},
    }
    parent = _ol_facet(
        "ParentRunFacet",
        run={"runId": dag_run},
        job={"namespace": "airflow-demo", "name": "crm_daily"},
    )

    def event(kind: str, at: str, run: str, job: str, **rest: Any) -> dict[str, Any]:
        return {
            "eventType": kind,
            "eventTime": f"{day}T{at}Z",
            "producer": _OL_PRODUCER,
            "schemaURL": SCHEMA_URL,
            "run": {"runId": run, "facets": rest.pop("facets", {})},
            "job": {"namespace": "airflow-demo", "name": job},
            **rest,
        }

    task = "crm_daily.export_transactions"
    return [
        event("START", "02:00:00", dag_run, "crm_daily"),
        event("START", "02:00:05", task_run, task, facets={"parent": parent}, inputs=[crm]),
        event("COMPLETE", "02:14:40", task_run, task, inputs=[crm], outputs=[raw]),
        event("COMPLETE", "02:15:00", dag_run, "crm_daily"),
    ]


async def _openlineage_pipeline(db: Database) -> int:
    """The export feeding customer-transactions, recorded as Airflow would send it: the events
    go through OpenLineage ingest (validation, mapping, the writers); replays record nothing."""
    written = 0
    actor = local_principal(DEMO_USER)
    for version, day in (("v1", "2026-11-01"), ("v2", "2026-12-01")):
        for payload in _ol_events(version, day):
            plan = plan_event(parse_run_event(payload), MappingRules())
            done = await openlineage.ingest(db, plan, actor=actor)
            written += not done.duplicate
    return written


def _churn(version: str, features: str, accuracy: float) -> dict[str, Any]:
    metrics = [
        {"key": "accuracy", "value": accuracy},
        {"key": "f1", "value": round(accuracy - 0.05, 3)},
        {"key": "log_loss", "value": round(1 - accuracy, 3)},
    ]
    return {
        "model": {
            "description": "Predicts which customers will churn next month.",
            "owner": "team-retention",
            "framework": "xgboost",
            "modelType": "classification",
            "tags": ["churn", "tabular"],
        },
        "version": {
            "framework": "xgboost",
            "frameworkVersion": "2.0.3",
            "modelType": "classification",
            "vcsCommit": f"c0ffee{version}",
            "vcsRepoUrl": "https://git.example.com/ml/churn",
            "modelSizeBytes": 2_400_000,
            "inferenceLatencyMs": 4.2,
            "metrics": metrics,
            "metadata": [
                {
                    "key": "confusion_matrix",
                    "type": "JSON",
                    "jsonValue": [[880, 40], [35, 245]],
                },
                {"key": "shap_summary", "type": "STRING", "stringValue": "s3://ml/churn/shap"},
            ],
        },
        "artifact": {
            "uri": f"s3://ml-models/churn/{version}/model.json",
            "modelFormatName": "xgboost",
            "modelFormatVersion": "2",
            "sizeBytes": 2_400_000,
        },
        "training": {
            "status": "COMPLETED",
            "tuningMethod": "BAYESIAN",
            "hyperparameters": [_hp("learning_rate", 0.1), _hp("max_depth", 6)],
            "metrics": metrics,
            "environment": [
                {"key": "hardware", "value": "8 vCPU, 32 GiB"},
                {"key": "pythonVersion", "value": "3.11"},
            ],
            "libraries": ["xgboost==2.0.3", "scikit-learn==1.5.0"],
            "datasets": [{"datasetName": "churn-features", "version": features, "role": "train"}],
        },
    }


async def load(db: Database, settings: Settings) -> str:
    """Load the demo graph through GraphQL; returns a one-line summary."""
    loader = _Loader(db, settings)
    raw_id = await loader.dataset("customer-transactions", "team-data", "s3://raw/transactions")
    feat_id = await loader.dataset("churn-features", "team-retention", "s3://features/churn")
    raw, feat = {}, {}
    for v, rows in (("v1", 1_200_000), ("v2", 1_500_000)):
        raw[v] = await loader.dataset_version(
            "customer-transactions",
            raw_id,
            {"name": v, "uri": f"s3://raw/transactions/{v}", "rows": rows, "bytes": rows * 220},
        )
        feat[v] = await loader.dataset_version(
            "churn-features",
            feat_id,
            {
                "name": v,
                "uri": f"s3://features/churn/{v}",
                "rows": rows // 10,
                "bytes": rows * 30,
                "features": [
                    {"name": "tenure_months", "type": "int", "importance": 0.41},
                    {"name": "monthly_spend", "type": "float", "importance": 0.33},
                ],
            },
        )
        await loader.preprocessing(f"demo-preprocess-{v}", [raw[v]], [feat[v]])
    loader.created += await _openlineage_pipeline(db)
    churn = "customer-churn-prediction"
    v1 = await loader.model_version(churn, "v1", _churn("v1", "v1", 0.89))
    v2 = await loader.model_version(churn, "v2", _churn("v2", "v2", 0.93))
    fraud_spec = _churn("v1", "v2", 0.97)
    fraud_spec["model"].update(
        description="Flags fraudulent transactions.", owner="team-risk", tags=["regulated"]
    )
    fraud_spec["training"]["datasets"] = [
        {"datasetName": "customer-transactions", "version": "v2", "role": "train"}
    ]
    fraud_spec["artifact"]["uri"] = "s3://ml-models/fraud/v1/model.json"
    fraud = await loader.model_version("fraud-detector", "v1", fraud_spec)
    await loader.promote(v1, "PRODUCTION")
    await loader.promote(v2, "PRODUCTION")
    await loader.promote(fraud, "STAGING")
    await loader.alias(churn, v2, "champion")
    await loader.environment("prod-openshift", "openshift", "eu-west-1")
    await loader.environment("staging-openshift", "openshift", "eu-west-1")
    spec = {
        "endpoint": "https://churn.prod.example.com/v1/predict",
        "runtime": "kserve",
        "minReplicas": 2,
        "maxReplicas": 8,
        "autoscaling": True,
        "monitoringLinks": ["https://grafana.example.com/d/churn"],
    }
    await loader.deploy_history("prod-openshift", "churn-prod", [v1["id"], v2["id"]], spec)
    await loader.deploy_history("staging-openshift", "fraud-staging", [fraud["id"]], {})
    await loader.retire(v1, "superseded by v2 in churn-prod")
    if loader.created == 0:
        return "already present, nothing changed"
    return (
        f"{loader.created} steps written: 2 datasets, 2 preprocessing runs, "
        "an OpenLineage-fed export (crm_daily, 2 DAG runs), "
        "customer-churn-prediction v1/v2 (v2 serves churn-prod in prod-openshift), "
        "fraud-detector v1 (fraud-staging)"
    )
