"""Synthetic lineage graphs that follow docs/graph-model.md, deterministic for a seed.

The graph is built from independent *units* (one team's pipelines), streamed one unit at a
time so a million-node graph never sits in memory at once. A unit holds:

- raw datasets with several versions;
- for each raw version two preprocessing chains of varying depth (1..20 hops: Execution +
  DatasetVersion per hop) that re-join in a feature-engineering run: a diamond;
- shared feature datasets whose versions feed several training runs (hyperparameters, metrics);
- registered models with many versions, each with a model artifact (and sometimes a doc);
- deployments with history: versions take turns serving (``DEPLOYED_AS {since, until}``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from modelgraph.domain.graph import Label
from modelgraph.store.bulk import Edge

MAX_CHAIN_DEPTH = 20
EPOCH_MS = 1_700_000_000_000
# Units per size preset; a unit is ~200 nodes.
SIZES: dict[str, int] = {"tiny": 2, "small": 50, "medium": 500, "large": 5000}

FRAMEWORKS = ("xgboost", "pytorch", "sklearn", "lightgbm", "tensorflow")
MODEL_TYPES = ("classification", "regression", "ranking", "forecasting")
STAGES = ("DEVELOPMENT", "STAGING", "PRODUCTION", "ARCHIVED")


@dataclass
class Unit:
    """The rows of one unit: nodes per label, edges per type, and handles for workloads."""

    nodes: dict[Label, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[Edge, list[dict[str, Any]]] = field(default_factory=dict)
    raw_datasets: list[str] = field(default_factory=list)
    deployments: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    model_names: list[str] = field(default_factory=list)
    feature_versions: list[str] = field(default_factory=list)
    chain_depths: list[int] = field(default_factory=list)

    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    def edge_count(self) -> int:
        return sum(len(rows) for rows in self.edges.values())


@dataclass
class Spec:
    """Shape knobs of a unit (defaults give ~200 nodes per unit)."""

    raw_datasets: int = 2
    raw_versions: int = 3
    feature_datasets: int = 2
    models: int = 2
    versions_per_model: int = 8
    mean_extra_depth: float = 3.0


class Generator:
    """Streams units of a synthetic lineage graph; ``seed`` fixes every choice."""

    def __init__(self, units: int, seed: int = 42, spec: Spec | None = None) -> None:
        self.units = units
        self.seed = seed
        self.spec = spec or Spec()
        self._rng = random.Random(seed)
        self._next = 0
        self._clock = EPOCH_MS
        self._env_ids: list[str] = []

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"bench-{self.seed}-{prefix}-{self._next:08d}"

    def _tick(self, step: int = 1000) -> int:
        self._clock += step
        return self._clock

    def _node(
        self, unit: Unit, kind: Label, prefix: str, name: str, parent: str | None = None, **p: Any
    ) -> str:
        at = self._tick()
        row: dict[str, Any] = {
            "id": self._id(prefix),
            "kind": kind.value,
            "name": name,
            "description": f"synthetic {kind.value} {name}",
            "state": "LIVE",
            "tags": ["bench"],
            "author": "bench",
            "createdAt": at,
            "updatedAt": at,
        }
        if parent is not None:
            row["parentId"] = parent
        row.update(p)
        unit.nodes.setdefault(kind, []).append(row)
        if parent is not None:
            parent_edge = Edge.HOSTS if kind is Label.DEPLOYMENT else _PARENT_EDGE[kind]
            self._edge(unit, parent_edge, parent, row["id"])
        return str(row["id"])

    @staticmethod
    def _edge(unit: Unit, edge: Edge, source: str, target: str, **props: Any) -> None:
        unit.edges.setdefault(edge, []).append({"source": source, "target": target, **props})

    def _depth(self, forced: int | None) -> int:
        if forced is not None:
            return forced
        extra = int(self._rng.expovariate(1 / self.spec.mean_extra_depth))
        return min(MAX_CHAIN_DEPTH, 1 + extra)

    def environments(self) -> Unit:
        """Serving environments every unit deploys to, and the logged-runs dataset (once, first)."""
        unit = Unit()
        for name, platform in (("prod", "openshift"), ("staging", "aws-sagemaker")):
            env = self._node(
                unit,
                Label.SERVING_ENVIRONMENT,
                "env",
                f"bench-{name}",
                platform=platform,
                region="eu-west-1",
                url=f"https://{name}.example.com",
            )
            self._env_ids.append(env)
        # Where the logExecution workload registers the dataset versions its runs produce.
        self._node(unit, Label.DATASET, "ds", "bench-logged", owner="bench", format="parquet")
        return unit

    def __iter__(self) -> Iterator[Unit]:
        yield self.environments()
        for index in range(self.units):
            yield self.unit(index)

    def unit(self, index: int) -> Unit:
        """Build unit ``index`` (call in order: ids and clocks advance)."""
        rng, spec, unit = self._rng, self.spec, Unit()
        tag = f"u{index:05d}"
        # Raw datasets -> versions -> two chains each, re-joined (diamond) by feature engineering.
        chain_ends: list[list[str]] = [[] for _ in range(spec.raw_versions)]
        for r in range(spec.raw_datasets):
            raw = self._node(
                unit,
                Label.DATASET,
                "ds",
                f"{tag}-raw-{r}",
                owner=f"team-{index % 17}",
                sourceUri=f"s3://raw/{tag}/{r}",
                format="parquet",
            )
            unit.raw_datasets.append(raw)
            stages: dict[tuple[int, int], str] = {}
            for v in range(spec.raw_versions):
                version = self._dataset_version(unit, raw, f"v{v + 1}", rows=10_000 * (v + 1))
                for branch in range(2):
                    # The very first chain of the graph always has the maximum depth.
                    forced = MAX_CHAIN_DEPTH if index == 0 and r == 0 and branch == 0 else None
                    depth = self._depth(forced)
                    unit.chain_depths.append(depth)
                    current = version
                    for hop in range(depth):
                        key = (branch, hop)
                        if key not in stages:
                            stages[key] = self._node(
                                unit,
                                Label.DATASET,
                                "ds",
                                f"{tag}-raw-{r}-b{branch}-s{hop}",
                                owner=f"team-{index % 17}",
                                format="parquet",
                            )
                        run = self._execution(unit, "PREPROCESSING", f"{tag}-prep", None)
                        self._edge(unit, Edge.CONSUMED_BY, current, run, role="input")
                        current = self._dataset_version(unit, stages[key], f"v{v + 1}")
                        self._edge(unit, Edge.PRODUCED, run, current)
                    chain_ends[v].append(current)
        # Shared feature datasets: each version consumes every chain end of that raw version.
        features: list[list[str]] = []
        for f in range(spec.feature_datasets):
            dataset = self._node(
                unit,
                Label.DATASET,
                "ds",
                f"{tag}-features-{f}",
                owner=f"team-{index % 17}",
                format="parquet",
            )
            versions: list[str] = []
            for v in range(spec.raw_versions):
                run = self._execution(unit, "FEATURE_ENGINEERING", f"{tag}-fe", None)
                for end in chain_ends[v]:
                    self._edge(unit, Edge.CONSUMED_BY, end, run, role="input")
                out = self._dataset_version(
                    unit,
                    dataset,
                    f"v{v + 1}",
                    featureNames=[f"f{k}" for k in range(8)],
                    featuresJson='[{"name":"f0","type":"float","importance":0.4}]',
                )
                self._edge(unit, Edge.PRODUCED, run, out)
                versions.append(out)
            features.append(versions)
            unit.feature_versions.extend(versions)
        # Models: each version trained on a feature version, with an artifact; deployed in turns.
        experiment = self._node(unit, Label.EXPERIMENT, "exp", f"{tag}-experiment", owner="bench")
        for m in range(spec.models):
            framework = FRAMEWORKS[(index + m) % len(FRAMEWORKS)]
            model_type = MODEL_TYPES[(index * 3 + m) % len(MODEL_TYPES)]
            model_name = f"{tag}-model-{m}"
            model = self._node(
                unit,
                Label.REGISTERED_MODEL,
                "rm",
                model_name,
                owner=f"team-{index % 17}",
                framework=framework,
                modelType=model_type,
                tags=["bench", model_type],
            )
            unit.models.append(model)
            unit.model_names.append(model_name)
            versions = []
            for n in range(spec.versions_per_model):
                train_v = rng.randrange(spec.raw_versions)
                run = self._execution(
                    unit,
                    "TRAINING",
                    f"{tag}-train",
                    experiment,
                    **{
                        "tuningMethod": "BAYESIAN",
                        "hp.learning_rate": round(rng.uniform(0.001, 0.3), 4),
                        "hp.max_depth": rng.randrange(3, 12),
                        "hp.n_estimators": rng.choice((100, 200, 500)),
                        "m.accuracy": round(rng.uniform(0.7, 0.99), 4),
                        "m.f1": round(rng.uniform(0.6, 0.95), 4),
                        "m.log_loss": round(rng.uniform(0.05, 0.6), 4),
                        "env.hardware": "cpu",
                        "env.pythonVersion": "3.11",
                        "libraries": [f"{framework}==2.0.0", "numpy==1.26.4"],
                    },
                )
                primary = features[n % spec.feature_datasets]
                self._edge(unit, Edge.CONSUMED_BY, primary[train_v], run, role="train")
                other = features[(n + 1) % spec.feature_datasets]
                self._edge(unit, Edge.CONSUMED_BY, other[train_v], run, role="validation")
                stage = STAGES[min(3, n % 4)] if n < spec.versions_per_model - 1 else "PRODUCTION"
                version = self._node(
                    unit,
                    Label.MODEL_VERSION,
                    "mv",
                    f"v{n + 1}",
                    model,
                    framework=framework,
                    frameworkVersion="2.0.0",
                    modelType=model_type,
                    stage=stage,
                    state="ARCHIVED" if stage == "ARCHIVED" else "LIVE",
                    vcsCommit=f"{rng.getrandbits(40):010x}",
                    vcsRepoUrl="https://git.example.com/ml.git",
                    modelSizeBytes=rng.randrange(10**6, 10**9),
                    **{"m.accuracy": round(rng.uniform(0.7, 0.99), 4)},
                )
                self._edge(unit, Edge.PRODUCED, run, version)
                self._node(
                    unit,
                    Label.MODEL_ARTIFACT,
                    "ma",
                    f"{model_name}-v{n + 1}-model",
                    version,
                    uri=f"s3://models/{model_name}/v{n + 1}/model.bin",
                    modelFormatName="onnx",
                    modelFormatVersion="1",
                    sizeBytes=rng.randrange(10**6, 10**9),
                    digest=f"sha256:{rng.getrandbits(64):016x}",
                    artifactState="LIVE",
                )
                if n % 4 == 0:
                    self._node(
                        unit,
                        Label.DOC_ARTIFACT,
                        "da",
                        f"{model_name}-v{n + 1}-card",
                        version,
                        uri=f"s3://models/{model_name}/v{n + 1}/README.md",
                        artifactState="LIVE",
                    )
                versions.append(version)
            self._deployments(unit, model_name, versions)
        return unit

    def _deployments(self, unit: Unit, model_name: str, versions: list[str]) -> None:
        # prod serves every other version in turn (history kept); staging serves the latest.
        for env_index, env_name in enumerate(("prod", "staging")):
            deployment = self._node(
                unit,
                Label.DEPLOYMENT,
                "dep",
                f"{model_name}-{env_name}",
                self._env_ids[env_index],
                status="RUNNING",
                endpoint=f"https://{env_name}.example.com/{model_name}",
                runtime="kserve",
                minReplicas=1,
                maxReplicas=4,
                autoscaling=True,
            )
            unit.deployments.append(deployment)
            served = [*versions[::2], versions[-1]] if env_name == "prod" else [versions[-1]]
            since = self._tick()
            for k, version in enumerate(served):
                until = None if k == len(served) - 1 else since + 3_600_000
                self._edge(
                    unit,
                    Edge.DEPLOYED_AS,
                    version,
                    deployment,
                    since=since,
                    until=until,
                    by="bench",
                )
                since += 3_600_000

    def _dataset_version(self, unit: Unit, dataset: str, name: str, **props: Any) -> str:
        rng = self._rng
        row = {
            "uri": f"s3://data/{dataset}/{name}",
            "format": "parquet",
            "rows": props.pop("rows", rng.randrange(1_000, 1_000_000)),
            "bytes": rng.randrange(10**5, 10**9),
            "digest": f"sha256:{rng.getrandbits(64):016x}",
            **props,
        }
        return self._node(unit, Label.DATASET_VERSION, "dv", name, dataset, **row)

    def _execution(
        self, unit: Unit, kind: str, name: str, experiment: str | None, **props: Any
    ) -> str:
        start = self._tick()
        return self._node(
            unit,
            Label.EXECUTION,
            "ex",
            f"{name}-{self._next + 1}",
            experiment,
            type=kind,
            status="COMPLETED",
            startTime=start,
            endTime=start + 60_000,
            **props,
        )


_PARENT_EDGE: dict[Label, Edge] = {
    Label.MODEL_VERSION: Edge.HAS_VERSION,
    Label.DATASET_VERSION: Edge.HAS_VERSION,
    Label.MODEL_ARTIFACT: Edge.HAS_ARTIFACT,
    Label.DOC_ARTIFACT: Edge.HAS_ARTIFACT,
    Label.EXECUTION: Edge.HAS_RUN,
}
