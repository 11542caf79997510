"""The questions the benchmark asks: GraphQL text, variables per request, required root fields.

A workload whose root fields are not in the running schema is skipped and reported as such,
so the harness runs while parts of the API are still being written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.generator import FRAMEWORKS
from bench.loader import Handles

Variables = Callable[[Handles, int], dict[str, Any]]


@dataclass(frozen=True)
class Workload:
    """One question asked over HTTP (and replayed as raw Cypher for the floor)."""

    name: str
    description: str
    needs: tuple[str, ...]  # root fields ("Query.trace", "Mutation.registerModel")
    text: str
    variables: Variables
    write: bool = False
    # Same question for the peers (key into their JSON answers), if they can answer it.
    peer_question: str | None = None


def _pick(items: list[str], i: int) -> str:
    return items[i % len(items)]


# What a lineage answer is asked for: every node with its place in the graph, and the edges.
LINEAGE_FIELDS = """
  truncated
  nodes { id kind label distance state }
  edges { source target type role since until }
"""
# trace answers "which version, which run with which hyperparameters, on which data".
TRACE_FIELDS = """
  truncated
  served { since until version { id label stage } }
  nodes {
    id kind label distance state
    hyperparameters { key type stringValue intValue floatValue }
    metrics { key value }
  }
  edges { source target type role since until }
"""
IMPACT_FIELDS = LINEAGE_FIELDS + "  counts { kind count }\n"

TRACE = Workload(
    name="trace",
    description="trace from a deployment: everything upstream (version, run, data, raw data)",
    needs=("Query.trace",),
    text="query($ref: String!) { trace(ref: $ref) {" + TRACE_FIELDS + "} }",
    variables=lambda h, i: {"ref": _pick(h.deployments, i)},
    peer_question="trace",
)
IMPACT_LIVE = Workload(
    name="impact_live",
    description="impact of a raw dataset, live only: LIVE nodes, currently serving",
    needs=("Query.impact",),
    text="query($ref: String!) { impact(ref: $ref, liveOnly: true) {" + IMPACT_FIELDS + "} }",
    variables=lambda h, i: {"ref": _pick(h.raw_datasets, i)},
    peer_question="impact",
)
IMPACT_FULL = Workload(
    name="impact_full",
    description="impact of a raw dataset, full history",
    needs=("Query.impact",),
    text="query($ref: String!) { impact(ref: $ref) {" + IMPACT_FIELDS + "} }",
    variables=lambda h, i: {"ref": _pick(h.raw_datasets, i)},
    peer_question="impact_full",
)
LINEAGE_BOTH = Workload(
    name="lineage_both_d5",
    description="lineage BOTH directions, depth 5, from a shared feature dataset version",
    needs=("Query.lineage",),
    text=(
        "query($ref: String!) { lineage(ref: $ref, direction: BOTH, maxDepth: 5) {"
        + LINEAGE_FIELDS
        + "} }"
    ),
    variables=lambda h, i: {"ref": _pick(h.feature_versions, i)},
    peer_question="lineage_both",
)
MODEL_LIST = Workload(
    name="model_list",
    description="filtered, paged model list (framework = X and model type in [..], 20 per page)",
    needs=("Query.registeredModels",),
    text="""
query($framework: JSON!, $after: String) {
  registeredModels(
    filter: {and: [{field: FRAMEWORK, op: EQ, value: $framework},
                   {field: MODEL_TYPE, op: IN, value: ["classification", "regression"]}]}
    orderBy: {field: NAME, direction: ASC}, first: 20, after: $after) {
    nodes { id name framework modelType owner updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}""",
    variables=lambda h, i: {"framework": FRAMEWORKS[i % len(FRAMEWORKS)], "after": None},
    peer_question="search",
)
UI_READ = Workload(
    name="ui_model_read",
    description="nested UI read: model -> versions -> artifacts -> deployment history",
    needs=("Query.registeredModel",),
    text="""
query($id: ID!) {
  registeredModel(id: $id) {
    id name owner framework tags
    versions {
      id name stage framework metrics { key value }
      artifacts {
        ... on ModelArtifact { id uri digest sizeBytes modelFormatName }
        ... on DocArtifact { id uri }
      }
      deploymentHistory { since until deployment { id name status endpoint } }
    }
  }
}""",
    variables=lambda h, i: {"id": _pick(h.models, i)},
)


def _register_vars(h: Handles, i: int) -> dict[str, Any]:
    return {
        "input": {
            "modelName": f"bench-registered-{i % 50}",
            "versionName": f"r{i}",
            "version": {"framework": "xgboost", "metrics": [{"key": "accuracy", "value": 0.91}]},
            "artifact": {
                "uri": f"s3://bench/registered/{i}/model.bin",
                "digest": f"sha256:{i:016x}",
            },
            "training": {
                "hyperparameters": [
                    {"key": "learning_rate", "type": "FLOAT", "floatValue": 0.1},
                    {"key": "max_depth", "type": "INT", "intValue": 6},
                ],
                "metrics": [{"key": "f1", "value": 0.88}],
                "datasets": [{"id": _pick(h.feature_versions, i), "role": "train"}],
            },
        }
    }


REGISTER = Workload(
    name="register_model",
    description="registerModel: upsert model, new version + artifact + training run with dataset",
    needs=("Mutation.registerModel",),
    text="""
mutation($input: RegisterModelInput!) {
  registerModel(input: $input) { model { id } version { id name } artifact { id } execution { id } }
}""",
    variables=_register_vars,
    write=True,
    peer_question="register",
)


def _log_execution_vars(h: Handles, i: int) -> dict[str, Any]:
    return {
        "input": {
            "name": f"bench-logged-{i}",
            "type": "PREPROCESSING",
            "inputs": [{"id": _pick(h.feature_versions, i), "role": "input"}],
            # A new output: linking existing versions would stitch units into cycles.
            "outputs": [{"newDatasetVersion": {"dataset": "bench-logged", "version": f"v{i}"}}],
        }
    }


LOG_EXECUTION = Workload(
    name="log_execution",
    description="logExecution: one run consuming a feature version, producing a new version",
    needs=("Mutation.logExecution",),
    text=(
        "mutation($input: LogExecutionInput!) {"
        " logExecution(input: $input) { execution { id } created inputIds outputIds } }"
    ),
    variables=_log_execution_vars,
    write=True,
)

ALL: tuple[Workload, ...] = (
    TRACE,
    IMPACT_LIVE,
    IMPACT_FULL,
    LINEAGE_BOTH,
    MODEL_LIST,
    UI_READ,
    REGISTER,
    LOG_EXECUTION,
)
