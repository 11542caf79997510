"""Import an MLflow tracking store into the lineage graph (``modelgraph import mlflow``).

Reads through MLflow's own client (``MlflowClient``; the ``modelgraph[mlflow]`` extra) and writes
through the store writers only, as an admin principal, so every node gets its common fields,
permissions and events like any other write. Each MLflow thing becomes one entity with
``externalId = mlflow:<hash of the tracking URI>:<kind>:<MLflow id>`` (docs/graph-model.md, "MLflow
import"): experiments, runs (params as typed hyperparameters, metric histories, tags, inputs),
dataset inputs, logged models, registered models, versions (stage, source run) and aliases.

Idempotent and resumable: one write transaction per MLflow entity (a run with its datasets,
params, metrics and edges commits whole or not at all), and an entity whose MLflow content is
unchanged since the last import (its fingerprint, kept as metadata) is skipped without a write.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from mlflow import MlflowClient
from mlflow.entities import Experiment, LoggedModel, Run, ViewType
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException
from neo4j import AsyncManagedTransaction
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from modelgraph.domain.access import Role
from modelgraph.domain.errors import Invalid, ModelGraphError
from modelgraph.domain.graph import (
    MAX_NAME_LENGTH,
    METRIC_PREFIX,
    Family,
    Label,
    ValueType,
    check_key,
    encode_json,
    typed_entry,
)
from modelgraph.domain.principal import AuthMethod, Principal
from modelgraph.domain.registry import ExecutionStatus, ExecutionType, Stage
from modelgraph.store import entities, executions, governance
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record
from modelgraph.store.governance import MetricPoint

_KNOWN = query("importers/mlflow_known")
_POINTS = query("registry/metric_points_by_owner")

# Imports are run by an operator with direct database access, like `modelgraph token create`.
IMPORTER = Principal(
    "mlflow-importer", roles=frozenset({Role.ADMIN.value}), method=AuthMethod.SYSTEM
)
FINGERPRINT_KEY = "mlflow.fingerprint"
_FINGERPRINT = Family.METADATA.scalar_prefix + FINGERPRINT_KEY
UNMAPPED_PARAMS = "_mlflow_params"  # params whose keys the graph cannot store as they are
UNMAPPED_TAGS = "_mlflow_tags"
PAGE = 500
_MLFLOW_PAGE = 1000  # MLflow's own cap for search_runs pages

_STATUS = {
    "RUNNING": ExecutionStatus.RUNNING,
    "SCHEDULED": ExecutionStatus.UNKNOWN,
    "FINISHED": ExecutionStatus.COMPLETED,
    "FAILED": ExecutionStatus.FAILED,
    "KILLED": ExecutionStatus.CANCELLED,
}
_STAGES = {
    "None": Stage.DEVELOPMENT,
    "Staging": Stage.STAGING,
    "Production": Stage.PRODUCTION,
    "Archived": Stage.ARCHIVED,
}
_ROLES = {
    "training": "train",
    "train": "train",
    "validation": "validation",
    "eval": "evaluation",
    "evaluation": "evaluation",
    "test": "test",
    "testing": "test",
}
_ARTIFACT_STATES = {"READY": "LIVE", "PENDING": "PENDING", "FAILED": "ABANDONED"}
_INT = re.compile(r"[+-]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_INT64 = 2**63
T = TypeVar("T")


class Outcome(StrEnum):
    """What one MLflow entity's import did."""

    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Summary:
    """Counts per MLflow kind and outcome, and the reasons of failures."""

    counts: dict[str, dict[Outcome, int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: Outcome) -> None:
        row = self.counts.setdefault(kind, dict.fromkeys(Outcome, 0))
        row[outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return sum(row[outcome] for row in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {k: {o.value: n for o, n in row.items()} for k, row in self.counts.items()},
            "totals": {o.value: self.total(o) for o in Outcome},
            "errors": self.errors,
        }


# Called after each MLflow entity is done (the CLI's progress bar; tests stop imports with it).
Observer = Callable[[str, Outcome], None]


def origin_prefix(tracking_uri: str) -> str:
    """The externalId prefix of everything imported from one tracking URI."""
    digest = hashlib.sha256(tracking_uri.strip().encode()).hexdigest()[:12]
    return f"mlflow:{digest}:"


def parse_param(text: str) -> tuple[ValueType, Any]:
    """An MLflow param (always text) as a typed value: int, float, bool, JSON, else the string.

    Only canonical spellings convert, so nothing is lost: ``007``, ``1_000``, ``nan``, ``None``
    and Python reprs stay strings.
    """
    if _INT.fullmatch(text):
        number = int(text)
        return (ValueType.INT, number) if -_INT64 <= number < _INT64 else (ValueType.STRING, text)
    if text.lower() in ("true", "false"):
        return ValueType.BOOL, text.lower() == "true"
    if _FLOAT.fullmatch(text) and math.isfinite(float(text)):
        return ValueType.FLOAT, float(text)
    if text[:1] in "{[":
        try:
            value = json.loads(text)
        except ValueError:
            return ValueType.STRING, text
        if isinstance(value, (dict, list)):
            return ValueType.JSON, value
    return ValueType.STRING, text


def _valid_key(key: str) -> bool:
    try:
        check_key(key, "key")
    except Invalid:
        return False
    return True


def _typed_map(family: Family, values: Mapping[str, str], unmapped: str, *, typed: bool) -> Any:
    """Node properties of a typed map; keys the graph cannot store go into one JSON entry."""
    props: dict[str, Any] = {}
    rest: dict[str, str] = {}
    for key, text in sorted(values.items()):
        if not _valid_key(key):
            rest[key] = text
            continue
        vt, value = parse_param(text) if typed else (ValueType.STRING, text)
        props.update(typed_entry(family, key, vt, value, key))
    if rest:
        props.update(typed_entry(family, unmapped, ValueType.JSON, rest, unmapped))
    return props


def _unchanged(node: Record | None, props: dict[str, Any], *extra: Any) -> bool:
    """Stamp ``props`` with a fingerprint of the MLflow content; True when ``node`` has it."""
    text = json.dumps([props, *extra], sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    props.update(
        typed_entry(Family.METADATA, FINGERPRINT_KEY, ValueType.STRING, digest, "fingerprint")
    )
    return node is not None and node.get(_FINGERPRINT) == digest


def _name(text: str | None, fallback: str) -> str:
    name = (text or "").strip() or fallback
    return name[:MAX_NAME_LENGTH].strip()


def _paged(fetch: Callable[[str | None], Any]) -> Iterator[Any]:
    """Every item of an MLflow paged search (``PagedList`` with a ``token``)."""
    token: str | None = None
    while True:
        page = fetch(token)
        yield from page
        token = page.token
        if not token:
            return


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _changes(node: Record | None, props: Mapping[str, Any], families: tuple[Family, ...]) -> Any:
    """Properties to write so the node matches ``props``; stale keys of ``families`` removed."""
    if node is None:
        return dict(props)
    prefixes = tuple(p for f in families for p in (f.scalar_prefix, f.json_prefix))
    stale = {k: None for k in node if k.startswith(prefixes) and k not in props}
    return {**stale, **{k: v for k, v in props.items() if node.get(k) != v}}


@dataclass
class _Dataset:
    external_id: str
    version_external_id: str
    name: str
    props: dict[str, Any]
    role: str


def _dataset_inputs(prefix: str, run: Run) -> list[_Dataset]:
    out: dict[tuple[str, str], _Dataset] = {}
    for item in run.inputs.dataset_inputs if run.inputs else []:
        ds = item.dataset
        context = next((t.value for t in item.tags if t.key == "mlflow.data.context"), None)
        role = _ROLES.get((context or "").lower(), context or "input")
        role = role if _valid_key(role) else "input"
        source = _json_object(ds.source) or {}
        uri = next((v for k in ("uri", "url", "path") if isinstance(v := source.get(k), str)), None)
        props: dict[str, Any] = {
            "name": _name(ds.digest, "unversioned"),
            "digest": ds.digest,
            "uri": uri or ds.source,
            "sourceType": ds.source_type,
            "source": ds.source,
            "schema": ds.schema,
            "profile": ds.profile,
        }
        props.update(_schema_fields(ds.schema))
        profile = _json_object(ds.profile)
        rows = profile.get("num_rows") if profile else None
        if isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0:
            props["rows"] = rows
        key = f"{prefix}dataset:{ds.name}"
        version_key = f"{key}:{ds.digest}"
        kept = {k: v for k, v in props.items() if v not in (None, "")}
        out[(version_key, role)] = _Dataset(key, version_key, _name(ds.name, "dataset"), kept, role)
    return list(out.values())


def _json_object(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _schema_fields(schema: str | None) -> dict[str, Any]:
    """MLflow's column spec (``{"mlflow_colspec": [{name, type}]}``) as the version's features."""
    spec = (_json_object(schema) or {}).get("mlflow_colspec")
    if not isinstance(spec, list):
        return {}
    features = [
        {"name": str(c["name"]), "type": str(c.get("type"))}
        for c in spec
        if isinstance(c, dict) and c.get("name") is not None
    ]
    if not features:
        return {}
    return {
        "featureNames": [f["name"] for f in features],
        "featuresJson": encode_json(features, "schema"),
    }


class MlflowImport:
    """One import of one tracking URI (``run`` once)."""

    def __init__(
        self,
        db: Database,
        tracking_uri: str,
        *,
        registry_uri: str | None = None,
        experiments: list[str] | None = None,
        since_ms: int | None = None,
        require_approval: bool = False,
        actor: Principal = IMPORTER,
        observer: Observer | None = None,
    ) -> None:
        self.db = db
        self.client = MlflowClient(tracking_uri, registry_uri or tracking_uri)
        self.prefix = origin_prefix(tracking_uri)
        self.experiment_names = experiments or []
        self.since_ms = since_ms
        self.require_approval = require_approval
        self.actor = actor
        self.observer = observer
        self.summary = Summary()
        self.run_ids: dict[str, str] = {}  # MLflow run id -> Execution id
        self.logged_models: dict[str, str] = {}  # MLflow model id -> ModelArtifact id

    # -- plumbing ---------------------------------------------------------------------------

    def _done(self, kind: str, outcome: Outcome) -> None:
        self.summary.add(kind, outcome)
        if self.observer is not None:
            self.observer(kind, outcome)

    async def _known(self, external_ids: list[str]) -> dict[str, Record]:
        async def work(tx: AsyncManagedTransaction) -> dict[str, Record]:
            return await self._known_tx(tx, external_ids)

        return await self.db.read(work)

    async def _known_tx(
        self, tx: AsyncManagedTransaction, external_ids: list[str]
    ) -> dict[str, Record]:
        rows = await self.db.fetch(
            tx, "importers/mlflow_known", _KNOWN, externalIds=list(dict.fromkeys(external_ids))
        )
        return {row["externalId"]: row["node"] for row in rows}

    def _skip(self, kind: str, node: Record) -> str:
        self._done(kind, Outcome.SKIPPED)
        return str(node["id"])

    async def _write(
        self,
        kind: str,
        label: str,
        node: Record | None,
        work: Callable[[AsyncManagedTransaction], Awaitable[Record]],
    ) -> str | None:
        """One MLflow entity in one transaction; a refusal is counted and the import goes on."""
        try:
            written: Record = await self.db.write(work)
        except ModelGraphError as exc:
            self.summary.errors.append(f"{kind} {label}: {exc.message}")
            self._done(kind, Outcome.FAILED)
            return None
        self._done(kind, Outcome.CREATED if node is None else Outcome.UPDATED)
        return str(written["id"])

    async def _upsert_tx(
        self,
        tx: AsyncManagedTransaction,
        kind: Label,
        node: Record | None,
        props: dict[str, Any],
        families: tuple[Family, ...],
        parent_id: str | None = None,
    ) -> Record:
        if node is None:
            return await entities.create_tx(
                self.db, tx, kind, props, actor=self.actor, parent_id=parent_id
            )
        changes = _changes(node, props, families)
        return await entities.update_tx(self.db, tx, kind, node["id"], changes, actor=self.actor)

    # -- the import -------------------------------------------------------------------------

    async def run(self) -> Summary:
        """Import everything selected; returns what was created, updated, skipped or failed."""
        experiments = self._experiments()
        experiment_ids = await self._import_experiments(experiments)
        for exp in experiments:
            await self._import_runs(exp, experiment_ids.get(exp.experiment_id))
        await self._import_logged_models([e.experiment_id for e in experiments])
        await self._import_registered_models()
        return self.summary

    def _experiments(self) -> list[Experiment]:
        if self.experiment_names:
            found = []
            for name in self.experiment_names:
                exp = self.client.get_experiment_by_name(name)
                if exp is None:
                    raise Invalid(f"no MLflow experiment named {name!r}", field="experiment")
                found.append(exp)
            return found
        return list(
            _paged(
                lambda token: self.client.search_experiments(
                    view_type=ViewType.ACTIVE_ONLY, max_results=_MLFLOW_PAGE, page_token=token
                )
            )
        )

    async def _import_experiments(self, experiments: list[Experiment]) -> dict[str, str]:
        key = {e.experiment_id: f"{self.prefix}experiment:{e.experiment_id}" for e in experiments}
        known = await self._known(list(key.values()))
        ids: dict[str, str] = {}
        for exp in experiments:
            found = await self._import_experiment(
                exp, key[exp.experiment_id], known.get(key[exp.experiment_id])
            )
            if found is not None:
                ids[exp.experiment_id] = found
        return ids

    async def _import_experiment(
        self, exp: Experiment, external_id: str, node: Record | None
    ) -> str | None:
        tags = dict(exp.tags or {})
        props: dict[str, Any] = {
            "name": _name(exp.name, exp.experiment_id),
            "externalId": external_id,
            "description": tags.get("mlflow.note.content"),
            **_typed_map(Family.CUSTOM, tags, UNMAPPED_TAGS, typed=False),
        }
        same = _unchanged(node, props)
        if node is not None and same:
            return self._skip("experiment", node)

        async def work(tx: AsyncManagedTransaction) -> Record:
            return await self._upsert_tx(tx, Label.EXPERIMENT, node, props, (Family.CUSTOM,))

        return await self._write("experiment", exp.name, node, work)

    def _runs(self, experiment_id: str) -> Iterator[Run]:
        since = f"attributes.start_time >= {int(self.since_ms)}" if self.since_ms else ""
        return _paged(
            lambda token: self.client.search_runs(
                [experiment_id],
                filter_string=since,
                run_view_type=ViewType.ACTIVE_ONLY,
                max_results=_MLFLOW_PAGE,
                order_by=["attributes.start_time ASC"],
                page_token=token,
            )
        )

    async def _import_runs(self, exp: Experiment, experiment_node: str | None) -> None:
        for page in _chunks(self._runs(exp.experiment_id), PAGE):
            keys = {r.info.run_id: f"{self.prefix}run:{r.info.run_id}" for r in page}
            known = await self._known(list(keys.values()))
            for run in page:
                await self._import_run(
                    run, keys[run.info.run_id], known.get(keys[run.info.run_id]), experiment_node
                )

    def _run_props(self, run: Run, external_id: str) -> dict[str, Any]:
        info, data = run.info, run.data
        tags = dict(data.tags or {})
        props: dict[str, Any] = {
            "name": _name(tags.get("mlflow.runName") or info.run_name, info.run_id),
            "externalId": external_id,
            "type": ExecutionType.TRAINING.value,
            "status": _STATUS.get(str(info.status), ExecutionStatus.UNKNOWN).value,
            "startTime": info.start_time,
            "endTime": info.end_time,
            "description": tags.get("mlflow.note.content"),
            "owner": tags.get("mlflow.user") or info.user_id or None,
            "vcsCommit": tags.get("mlflow.source.git.commit"),
            "vcsRepoUrl": tags.get("mlflow.source.git.repoURL"),
        }
        props.update(
            _typed_map(Family.HYPERPARAMETERS, data.params or {}, UNMAPPED_PARAMS, typed=True)
        )
        props.update(_typed_map(Family.CUSTOM, tags, UNMAPPED_TAGS, typed=False))
        for key, value in sorted((data.metrics or {}).items()):
            if _valid_key(key) and math.isfinite(value):
                props[METRIC_PREFIX + key] = float(value)
        return props

    def _history(self, run: Run) -> list[MetricPoint]:
        points: list[MetricPoint] = []
        for key in sorted(run.data.metrics or {}):
            if not _valid_key(key):
                continue
            for m in self.client.get_metric_history(run.info.run_id, key):
                if math.isfinite(m.value):
                    points.append(MetricPoint(key, float(m.value), int(m.step), int(m.timestamp)))
        return points

    async def _import_run(
        self, run: Run, external_id: str, node: Record | None, experiment_node: str | None
    ) -> None:
        props = self._run_props(run, external_id)
        datasets = _dataset_inputs(self.prefix, run)
        same = _unchanged(node, props, [(d.version_external_id, d.role) for d in datasets])
        if node is not None and same:
            self.run_ids[run.info.run_id] = self._skip("run", node)
            return
        history = self._history(run)

        async def work(tx: AsyncManagedTransaction) -> Record:
            wanted = [d.external_id for d in datasets] + [d.version_external_id for d in datasets]
            known = await self._known_tx(tx, wanted)
            inputs: list[tuple[str, str]] = []
            for d in datasets:
                dataset = known.get(d.external_id)
                if dataset is None:
                    dataset = await entities.create_tx(
                        self.db,
                        tx,
                        Label.DATASET,
                        {"name": d.name, "externalId": d.external_id},
                        actor=self.actor,
                    )
                    known[d.external_id] = dataset
                version = known.get(d.version_external_id)
                if version is None:
                    version = await entities.create_tx(
                        self.db,
                        tx,
                        Label.DATASET_VERSION,
                        {**d.props, "externalId": d.version_external_id},
                        actor=self.actor,
                        parent_id=dataset["id"],
                    )
                    known[d.version_external_id] = version
                inputs.append((version["id"], d.role))
            execution = await self._upsert_tx(
                tx,
                Label.EXECUTION,
                node,
                props,
                (Family.HYPERPARAMETERS, Family.CUSTOM),
                parent_id=experiment_node,
            )
            await executions.link_tx(self.db, tx, execution["id"], inputs=inputs, actor=self.actor)
            points = history
            if node is not None:
                rows = await self.db.fetch(
                    tx, "registry/metric_points_by_owner", _POINTS, ownerIds=[node["id"]]
                )
                have = {
                    (p["key"], p["step"], p["timestamp"], p["value"])
                    for p in (r["point"] for r in rows)
                }
                points = [p for p in history if (p.key, p.step, p.timestamp, p.value) not in have]
            await governance.append_points_tx(self.db, tx, execution["id"], points)
            return execution

        found = await self._write("run", run.info.run_id, node, work)
        if found is not None:
            self.run_ids[run.info.run_id] = found

    async def _import_logged_models(self, experiment_ids: list[str]) -> None:
        if not experiment_ids or not hasattr(self.client, "search_logged_models"):
            return  # MLflow before 3 has no LoggedModel
        models: list[LoggedModel] = list(
            _paged(
                lambda token: self.client.search_logged_models(
                    experiment_ids=experiment_ids, max_results=_MLFLOW_PAGE, page_token=token
                )
            )
        )
        keys = {m.model_id: f"{self.prefix}logged-model:{m.model_id}" for m in models}
        known = await self._known(list(keys.values()))
        for model in models:
            await self._import_logged_model(
                model, keys[model.model_id], known.get(keys[model.model_id])
            )

    async def _import_logged_model(
        self, model: LoggedModel, external_id: str, node: Record | None
    ) -> None:
        run_node = self.run_ids.get(model.source_run_id or "")
        props: dict[str, Any] = {
            "name": _name(model.name, model.model_id),
            "externalId": external_id,
            "uri": model.model_uri,
            "modelFormatName": model.model_type,
            "artifactState": _ARTIFACT_STATES.get(str(getattr(model.status, "name", model.status))),
            **_typed_map(Family.CUSTOM, dict(model.tags or {}), UNMAPPED_TAGS, typed=False),
            **_typed_map(
                Family.CUSTOM,
                {f"param.{k}": v for k, v in (model.params or {}).items()},
                UNMAPPED_PARAMS,
                typed=True,
            ),
        }
        same = _unchanged(node, props, run_node is not None)
        if node is not None and same:
            self.logged_models[model.model_id] = self._skip("logged_model", node)
            return

        async def work(tx: AsyncManagedTransaction) -> Record:
            artifact = await self._upsert_tx(
                tx, Label.MODEL_ARTIFACT, node, props, (Family.CUSTOM,)
            )
            if run_node is not None:
                await executions.link_tx(
                    self.db, tx, run_node, outputs=[artifact["id"]], actor=self.actor
                )
            return artifact

        found = await self._write("logged_model", model.model_id, node, work)
        if found is not None:
            self.logged_models[model.model_id] = found

    async def _import_registered_models(self) -> None:
        models: list[RegisteredModel] = list(
            _paged(
                lambda token: self.client.search_registered_models(
                    max_results=_MLFLOW_PAGE, page_token=token
                )
            )
        )
        keys = {m.name: f"{self.prefix}registered-model:{m.name}" for m in models}
        known = await self._known(list(keys.values()))
        for model in models:
            model_id = await self._import_registered_model(
                model, keys[model.name], known.get(keys[model.name])
            )
            if model_id is not None:
                versions = await self._import_versions(model, model_id)
                await self._sync_aliases(model, model_id, versions)

    async def _import_registered_model(
        self, model: RegisteredModel, external_id: str, node: Record | None
    ) -> str | None:
        props: dict[str, Any] = {
            "name": _name(model.name, external_id),
            "externalId": external_id,
            "description": model.description or None,
            **_typed_map(Family.CUSTOM, dict(model.tags or {}), UNMAPPED_TAGS, typed=False),
        }
        same = _unchanged(node, props)
        if node is not None and same:
            return self._skip("registered_model", node)

        async def work(tx: AsyncManagedTransaction) -> Record:
            return await self._upsert_tx(tx, Label.REGISTERED_MODEL, node, props, (Family.CUSTOM,))

        return await self._write("registered_model", model.name, node, work)

    async def _import_versions(self, model: RegisteredModel, model_id: str) -> dict[str, str]:
        quoted = model.name.replace("\\", "\\\\").replace("'", "\\'")
        versions: list[ModelVersion] = list(
            _paged(
                lambda token: self.client.search_model_versions(
                    f"name = '{quoted}'", max_results=_MLFLOW_PAGE, page_token=token
                )
            )
        )
        keys = {
            str(v.version): f"{self.prefix}model-version:{model.name}:{v.version}" for v in versions
        }
        known = await self._known(list(keys.values()) + [k + ":source" for k in keys.values()])
        ids: dict[str, str] = {}
        for mv in sorted(versions, key=lambda v: int(v.version)):
            key = keys[str(mv.version)]
            found = await self._import_version(
                mv, model_id, key, known.get(key), known.get(key + ":source")
            )
            if found is not None:
                ids[str(mv.version)] = found
        return ids

    async def _import_version(
        self,
        mv: ModelVersion,
        model_id: str,
        external_id: str,
        node: Record | None,
        source: Record | None,
    ) -> str | None:
        run_node = self.run_ids.get(mv.run_id or "")
        logged = self.logged_models.get(getattr(mv, "model_id", None) or "")
        stage = _STAGES.get(str(mv.current_stage), Stage.DEVELOPMENT)
        props: dict[str, Any] = {
            "name": str(mv.version),
            "externalId": external_id,
            "description": mv.description or None,
            **_typed_map(Family.CUSTOM, dict(mv.tags or {}), UNMAPPED_TAGS, typed=False),
        }
        same = _unchanged(node, props, mv.source, run_node is not None, logged, stage.value)
        if node is not None and same:
            return self._skip("model_version", node)

        async def work(tx: AsyncManagedTransaction) -> Record:
            version = await self._upsert_tx(
                tx, Label.MODEL_VERSION, node, props, (Family.CUSTOM,), parent_id=model_id
            )
            if logged is not None:
                await entities.attach_tx(self.db, tx, version["id"], logged)
            elif mv.source and source is None:
                await entities.create_tx(
                    self.db,
                    tx,
                    Label.MODEL_ARTIFACT,
                    {"name": "model", "uri": mv.source, "externalId": external_id + ":source"},
                    actor=self.actor,
                    parent_id=version["id"],
                )
            if run_node is not None:
                await executions.link_tx(
                    self.db, tx, run_node, outputs=[version["id"]], actor=self.actor
                )
            for step in _stage_path(Stage(version.get("stage") or Stage.DEVELOPMENT.value), stage):
                await governance.transition_stage_tx(
                    self.db,
                    tx,
                    version["id"],
                    step,
                    "imported from MLflow",
                    actor=self.actor,
                    require_approval=self.require_approval,
                )
            return version

        return await self._write("model_version", f"{mv.name}:{mv.version}", node, work)

    async def _sync_aliases(
        self, model: RegisteredModel, model_id: str, versions: dict[str, str]
    ) -> None:
        wanted = {a: versions.get(str(v)) for a, v in (model.aliases or {}).items()}
        current = {
            item["alias"]: item
            for item in (await governance.aliases_by_model(self.db, [model_id]))[model_id]
            if item.get("until") is None
        }
        for alias, version_id in sorted(wanted.items()):
            if version_id is None:
                self.summary.errors.append(
                    f"alias {model.name}@{alias}: its version was not imported"
                )
                self._done("alias", Outcome.FAILED)
            elif current.get(alias, {}).get("versionId") == version_id:
                self._done("alias", Outcome.SKIPPED)
            else:
                try:
                    await governance.set_alias(
                        self.db, model_id, alias, version_id, actor=self.actor
                    )
                except ModelGraphError as exc:
                    self.summary.errors.append(f"alias {model.name}@{alias}: {exc.message}")
                    self._done("alias", Outcome.FAILED)
                    continue
                self._done("alias", Outcome.UPDATED if alias in current else Outcome.CREATED)
        # Aliases removed in MLflow are closed here; ones people set in ModelGraph stay.
        for alias, item in sorted(current.items()):
            if alias not in wanted and item.get("by") == self.actor.id:
                await governance.remove_alias(self.db, model_id, alias, actor=self.actor)
                self._done("alias", Outcome.UPDATED)


def _stage_path(current: Stage, target: Stage) -> list[Stage]:
    """The transitions the stage workflow allows from ``current`` to ``target`` (MLflow jumps)."""
    if current is target:
        return []
    if target in (Stage.DEVELOPMENT, Stage.ARCHIVED):
        return [target]
    order = [Stage.DEVELOPMENT, Stage.STAGING, Stage.PRODUCTION]
    start = current if current in order else Stage.DEVELOPMENT
    path = [Stage.DEVELOPMENT] if start is not current else []
    if order.index(start) > order.index(target):
        path, start = [Stage.DEVELOPMENT], Stage.DEVELOPMENT
    return path + order[order.index(start) + 1 : order.index(target) + 1]


async def import_mlflow(
    db: Database,
    tracking_uri: str,
    *,
    registry_uri: str | None = None,
    experiments: list[str] | None = None,
    since_ms: int | None = None,
    require_approval: bool = False,
    observer: Observer | None = None,
) -> Summary:
    """Import one MLflow tracking store (see the module docstring); idempotent."""
    job = MlflowImport(
        db,
        tracking_uri,
        registry_uri=registry_uri,
        experiments=experiments,
        since_ms=since_ms,
        require_approval=require_approval,
        observer=observer,
    )
    return await job.run()


async def import_with_progress(
    db: Database,
    tracking_uri: str,
    console: Console,
    *,
    registry_uri: str | None = None,
    experiments: list[str] | None = None,
    since_ms: int | None = None,
    require_approval: bool = False,
) -> Summary:
    """:func:`import_mlflow` with a progress line on ``console`` (silent when not a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task("importing from MLflow", total=None)
        counts = dict.fromkeys(Outcome, 0)

        def observe(kind: str, outcome: Outcome) -> None:
            counts[outcome] += 1
            done = ", ".join(f"{n} {o.value}" for o, n in counts.items())
            progress.update(task, description=f"MLflow {kind}s: {done}")

        try:
            return await import_mlflow(
                db,
                tracking_uri,
                registry_uri=registry_uri,
                experiments=experiments,
                since_ms=since_ms,
                require_approval=require_approval,
                observer=observe,
            )
        except MlflowException as exc:
            raise Invalid(f"MLflow refused: {exc.message}", field="trackingUri") from exc
