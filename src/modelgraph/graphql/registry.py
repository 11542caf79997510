"""Registry queries and mutations: thin resolvers that validate input and call the store."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

from modelgraph.domain.catalog import KINDS, PARENT_ID, snake
from modelgraph.domain.errors import Invalid
from modelgraph.domain.graph import MAX_NAME_LENGTH, Family, Label, State, check_key
from modelgraph.domain.registry import Stage
from modelgraph.graphql import filters as f
from modelgraph.graphql import inputs as i
from modelgraph.graphql import types as t
from modelgraph.graphql.catalog import REQUIRED, Injected, derive, optional, signed
from modelgraph.graphql.context import Info
from modelgraph.graphql.pagination import Connection, OrderBy, connection, sort_key
from modelgraph.graphql.values import TypedValueInput, to_properties
from modelgraph.store import entities, executions, governance, listing, models, serving
from modelgraph.store.db import Record

E = TypeVar("E", bound=t.Entity)
DEFAULT_PAGE = 20


def _name(value: str | None, field: str) -> str | None:
    if value is not None and (not value or len(value) > MAX_NAME_LENGTH):
        raise Invalid(f"names are 1-{MAX_NAME_LENGTH} characters", field=field)
    return value


async def _list(
    info: Info,
    kind: Label,
    cls: type[E],
    flt: f.FilterConditions | None,
    order_by: OrderBy | None,
    first: int,
    after: str | None,
    parent_id: str | None = None,
) -> Connection[E]:
    key, desc = sort_key(order_by)
    listing.check_page_size(first)
    request = listing.ListRequest(
        kind=kind,
        first=first,
        after=listing.Cursor.decode(after, key) if after is not None else None,
        sort_key=key,
        descending=desc,
        filter=f.to_filter(flt),
        parent_id=parent_id,
    )
    page = await listing.list_page(info.context.db, request, actor=info.context.actor)
    return connection(page, [cls.from_node(n) for n in page.nodes], request)


async def _by_id(info: Info, entity_id: str, kind: Label, cls: type[E]) -> E | None:
    node = await entities.get(info.context.db, entity_id, kind, actor=info.context.actor)
    return cls.from_node(node) if node else None


async def _by_id_or_name(
    info: Info,
    kind: Label,
    cls: type[E],
    entity_id: str | None,
    name: str | None,
    parent_name: str | None = None,
) -> E | None:
    if entity_id is not None:
        return await _by_id(info, entity_id, kind, cls)
    if name is None:
        raise Invalid("give an id or a name", field="id")
    _name(name, "name")
    _name(parent_name, "parentName")
    node = await entities.get_by_name(
        info.context.db, kind, name, parent_name, actor=info.context.actor
    )
    return cls.from_node(node) if node else None


def _parent_arg(kind: Label) -> str | None:
    """The argument naming the parent of a child kind: modelId, versionId, ..."""
    return next((p.name for p in KINDS[kind] if p.stored_as == PARENT_ID), None)


def _list_field(kind: Label) -> Any:
    """The filtered, ordered, paged list of ``kind`` (of one parent's children, if given)."""
    cls, parent = t.TYPE_BY_KIND[kind], _parent_arg(kind)

    async def resolve(self: Any, info: Info, **args: Any) -> Connection[Any]:
        flt, order_by, after = args["filter"], args["order_by"], args["after"]
        parent_id = args[parent] if parent else None
        return await _list(info, kind, cls, flt, order_by, args["first"], after, parent_id)

    params: list[tuple[str, Any, Any]] = [(parent, optional(strawberry.ID), None)] if parent else []
    params += [
        ("filter", optional(f.FILTERS[kind]), None),
        ("order_by", optional(OrderBy), None),
        ("first", int, DEFAULT_PAGE),
        ("after", optional(str), None),
    ]
    page: Any = Connection[cls]  # type: ignore[valid-type]
    return strawberry.field(resolver=signed(resolve, params, page))


# registeredModels, modelVersions(modelId), ...: one list field per kind.
_LISTS: list[Injected] = [(f"{snake(k)}s", None, _list_field(k)) for k in KINDS]


@strawberry.type
@derive(_LISTS)
class RegistryQuery:
    """Reads of every registry entity: by id, by name, and filtered lists."""

    @strawberry.field(description="Any entity by id.")
    async def node(self, info: Info, id: strawberry.ID) -> t.Entity | None:
        found = await entities.get(info.context.db, id, actor=info.context.actor)
        return t.entity_from_node(found) if found else None

    @strawberry.field(description="A model by id or by name.")
    async def registered_model(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> t.RegisteredModel | None:
        return await _by_id_or_name(info, Label.REGISTERED_MODEL, t.RegisteredModel, id, name)

    @strawberry.field(description="A version by id, or by model name + version name.")
    async def model_version(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        model_name: str | None = None,
        version_name: str | None = None,
    ) -> t.ModelVersion | None:
        if id is None and (model_name is None or version_name is None):
            raise Invalid("give an id, or modelName and versionName", field="id")
        return await _by_id_or_name(
            info, Label.MODEL_VERSION, t.ModelVersion, id, version_name, model_name
        )

    @strawberry.field
    async def model_artifact(self, info: Info, id: strawberry.ID) -> t.ModelArtifact | None:
        return await _by_id(info, id, Label.MODEL_ARTIFACT, t.ModelArtifact)

    @strawberry.field
    async def doc_artifact(self, info: Info, id: strawberry.ID) -> t.DocArtifact | None:
        return await _by_id(info, id, Label.DOC_ARTIFACT, t.DocArtifact)

    @strawberry.field(description="A dataset by id or by name.")
    async def dataset(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> t.Dataset | None:
        return await _by_id_or_name(info, Label.DATASET, t.Dataset, id, name)

    @strawberry.field(description="A dataset version by id, or by dataset name + version.")
    async def dataset_version(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        dataset_name: str | None = None,
        version: str | None = None,
    ) -> t.DatasetVersion | None:
        if id is None and (dataset_name is None or version is None):
            raise Invalid("give an id, or datasetName and version", field="id")
        return await _by_id_or_name(
            info, Label.DATASET_VERSION, t.DatasetVersion, id, version, dataset_name
        )

    @strawberry.field
    async def execution(self, info: Info, id: strawberry.ID) -> t.Execution | None:
        return await _by_id(info, id, Label.EXECUTION, t.Execution)

    @strawberry.field(description="An experiment by id or by name.")
    async def experiment(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> t.Experiment | None:
        return await _by_id_or_name(info, Label.EXPERIMENT, t.Experiment, id, name)

    @strawberry.field(description="A serving environment by id or by name.")
    async def serving_environment(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> t.ServingEnvironment | None:
        return await _by_id_or_name(info, Label.SERVING_ENVIRONMENT, t.ServingEnvironment, id, name)

    @strawberry.field(description="A deployment by id, or by serving environment name + name.")
    async def deployment(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        serving_environment_name: str | None = None,
        name: str | None = None,
    ) -> t.Deployment | None:
        if id is None and (serving_environment_name is None or name is None):
            raise Invalid("give an id, or servingEnvironmentName and name", field="id")
        return await _by_id_or_name(
            info, Label.DEPLOYMENT, t.Deployment, id, name, serving_environment_name
        )


@strawberry.type(description="What registerModel created or reused.")
class RegisterModelPayload:
    model: t.RegisteredModel
    version: t.ModelVersion
    artifact: t.ModelArtifact | None
    execution: t.Execution | None


async def _write(
    info: Info,
    kind: Label,
    cls: type[E],
    inp: Any,
    *,
    entity_id: str | None = None,
    parent_id: str | None = None,
) -> E:
    props, points = i.node_props(inp)
    node = await governance.write_entity(
        info.context.db,
        kind,
        props,
        points,
        actor=info.context.actor,
        entity_id=entity_id,
        parent_id=parent_id,
    )
    return cls.from_node(node)


def _typed(family: Family, entries: list[TypedValueInput], field: str) -> dict[str, Any]:
    return to_properties(family, entries, field)


def _dataset_ref(ref: i.DatasetRefInput, index: int) -> models.DatasetRef:
    where = f"input.training.datasets[{index}]"
    check_key(ref.role, f"{where}.role")
    return models.DatasetRef(
        id=ref.id, dataset_name=ref.dataset_name, version=ref.version, role=ref.role
    )


def _write_fields(kind: Label) -> list[Injected]:
    """``createX`` (under its parent, for a child kind) and ``updateX`` of ``kind``."""
    cls, parent = t.TYPE_BY_KIND[kind], _parent_arg(kind)

    async def create(self: Any, info: Info, **args: Any) -> Any:
        parent_id = args[parent] if parent else None
        return await _write(info, kind, cls, args["input"], parent_id=parent_id)

    async def update(self: Any, info: Info, **args: Any) -> Any:
        return await _write(info, kind, cls, args["input"], entity_id=args["id"])

    created: list[tuple[str, Any, Any]] = [("input", i.CREATES[kind], REQUIRED)]
    description = None
    if kind is Label.EXECUTION:  # the one kind whose parent is optional on create
        created.append((str(parent), optional(strawberry.ID), None))
        description = "Create a run, optionally inside an experiment."
    elif parent is not None:
        created.insert(0, (parent, strawberry.ID, REQUIRED))
    updated = [("id", strawberry.ID, REQUIRED), ("input", i.UPDATES[kind], REQUIRED)]
    return [
        (
            f"create_{snake(kind)}",
            None,
            strawberry.mutation(resolver=signed(create, created, cls), description=description),
        ),
        (f"update_{snake(kind)}", None, strawberry.mutation(resolver=signed(update, updated, cls))),
    ]


@strawberry.type
@derive([field for kind in KINDS for field in _write_fields(kind)])
class RegistryMutation:
    """Writes: create / update every kind, archive (never delete), workflow, aliases, deploys."""

    @strawberry.mutation(description="Set state ARCHIVED. There is no hard delete in the API.")
    async def archive(self, info: Info, id: strawberry.ID) -> t.Entity:
        node = await entities.edit(
            info.context.db, id, actor=info.context.actor, set_props={"state": State.ARCHIVED.value}
        )
        return t.entity_from_node(node)

    @strawberry.mutation(description="Set state LIVE again.")
    async def unarchive(self, info: Info, id: strawberry.ID) -> t.Entity:
        node = await entities.edit(
            info.context.db, id, actor=info.context.actor, set_props={"state": State.LIVE.value}
        )
        return t.entity_from_node(node)

    @strawberry.mutation(description="Add tags (existing ones are kept).")
    async def add_tags(self, info: Info, id: strawberry.ID, tags: list[str]) -> t.Entity:
        node = await entities.edit(info.context.db, id, actor=info.context.actor, add_tags=tags)
        return t.entity_from_node(node)

    @strawberry.mutation
    async def remove_tags(self, info: Info, id: strawberry.ID, tags: list[str]) -> t.Entity:
        node = await entities.edit(info.context.db, id, actor=info.context.actor, remove_tags=tags)
        return t.entity_from_node(node)

    @strawberry.mutation(description="Replace all tags.")
    async def set_tags(self, info: Info, id: strawberry.ID, tags: list[str]) -> t.Entity:
        node = await entities.edit(info.context.db, id, actor=info.context.actor, replace_tags=tags)
        return t.entity_from_node(node)

    @strawberry.mutation(description="Merge custom properties, or replace all with replace=true.")
    async def set_custom_properties(
        self,
        info: Info,
        id: strawberry.ID,
        properties: list[TypedValueInput],
        replace: bool = False,
    ) -> t.Entity:
        return await _set_family(info, id, Family.CUSTOM, properties, replace, "properties")

    @strawberry.mutation
    async def remove_custom_properties(
        self, info: Info, id: strawberry.ID, keys: list[str]
    ) -> t.Entity:
        return await _remove_family(info, id, Family.CUSTOM, keys)

    @strawberry.mutation(description="Merge metadata entries, or replace all with replace=true.")
    async def set_metadata(
        self,
        info: Info,
        id: strawberry.ID,
        entries: list[TypedValueInput],
        replace: bool = False,
    ) -> t.Entity:
        return await _set_family(info, id, Family.METADATA, entries, replace, "entries")

    @strawberry.mutation
    async def remove_metadata(self, info: Info, id: strawberry.ID, keys: list[str]) -> t.Entity:
        return await _remove_family(info, id, Family.METADATA, keys)

    @strawberry.mutation(description="Append metric points to a version or run.")
    async def log_metrics(
        self, info: Info, id: strawberry.ID, metrics: list[i.MetricInput]
    ) -> t.Entity:
        points = i.metric_points(metrics, "metrics")
        node = await governance.log_metrics(info.context.db, id, points, actor=info.context.actor)
        return t.entity_from_node(node)

    @strawberry.mutation(
        description="Upsert the model by name, create the version, its artifact and optionally "
        "the training run with the dataset versions it consumed: one transaction."
    )
    async def register_model(self, info: Info, input: i.RegisterModelInput) -> RegisterModelPayload:
        _name(input.model_name, "input.modelName")
        _name(input.version_name, "input.versionName")
        model_props = i.node_props(input.model, "input.model")[0] if input.model else {}
        version_props, version_points = (
            i.node_props(input.version, "input.version") if input.version else ({}, [])
        )
        artifact_props = (
            i.node_props(input.artifact, "input.artifact")[0] if input.artifact else None
        )
        run = None
        if input.training is not None:
            run_props, run_points = i.node_props(input.training, "input.training")
            run = models.TrainingRun(
                props=run_props,
                metrics=run_points,
                inputs=[_dataset_ref(r, n) for n, r in enumerate(input.training.datasets or [])],
                experiment_id=input.training.experiment_id,
            )
        reg = models.Registration(
            model_name=input.model_name,
            version_name=input.version_name,
            model_props=model_props,
            version_props=version_props,
            artifact_props=artifact_props,
            run=run,
            version_metrics=version_points,
        )
        out = await models.register_model(info.context.db, reg, actor=info.context.actor)
        return RegisterModelPayload(
            model=t.RegisteredModel.from_node(out.model),
            version=t.ModelVersion.from_node(out.version),
            artifact=t.ModelArtifact.from_node(out.artifact) if out.artifact else None,
            execution=t.Execution.from_node(out.execution) if out.execution else None,
        )

    @strawberry.mutation(
        description="Move a version through DEVELOPMENT → STAGING → PRODUCTION (one step "
        "forward), back to DEVELOPMENT, or to ARCHIVED from any stage; recorded in stageHistory."
    )
    async def transition_stage(
        self,
        info: Info,
        version_id: strawberry.ID,
        to: t.StageEnum,  # type: ignore[valid-type]
        comment: str | None = None,
    ) -> t.ModelVersion:
        node = await governance.transition_stage(
            info.context.db,
            version_id,
            Stage(to),
            comment,
            actor=info.context.actor,
            require_approval=info.context.settings.require_approval_for_production,
        )
        return t.ModelVersion.from_node(node)

    @strawberry.mutation(description="Record an approval of a version for a stage.")
    async def approve_version(
        self,
        info: Info,
        version_id: strawberry.ID,
        stage: t.StageEnum,  # type: ignore[valid-type]
        comment: str | None = None,
    ) -> t.Approval:
        item = await governance.approve(
            info.context.db, version_id, Stage(stage), comment, actor=info.context.actor
        )
        return t.Approval(
            id=item["id"],
            stage=Stage(item["stage"]),
            by=item["by"],
            at=item["at"],
            comment=item.get("comment"),
        )

    @strawberry.mutation(description="Point an alias (unique per model) at a version.")
    async def set_alias(
        self, info: Info, model_id: strawberry.ID, alias: str, version_id: strawberry.ID
    ) -> t.AliasAssignment:
        item = await governance.set_alias(
            info.context.db, model_id, alias, version_id, actor=info.context.actor
        )
        return t.AliasAssignment.from_record(item)

    @strawberry.mutation(description="Unset an alias; its history is kept.")
    async def remove_alias(
        self, info: Info, model_id: strawberry.ID, alias: str
    ) -> t.AliasAssignment:
        item = await governance.remove_alias(
            info.context.db, model_id, alias, actor=info.context.actor
        )
        return t.AliasAssignment.from_record(item)

    @strawberry.mutation(
        description="Serve a version as a deployment (created if missing) in a serving "
        "environment (id or name); the previously served version's record is closed."
    )
    async def deploy(
        self,
        info: Info,
        version_id: strawberry.ID,
        serving_environment: str,
        deployment_name: str,
        input: i.DeploymentUpdate | None = None,
    ) -> t.Deployment:
        _name(deployment_name, "deploymentName")
        for managed in ("name", "status"):
            if input is not None and getattr(input, managed) is not None:
                raise Invalid(f"deploy sets the deployment's {managed}", field=f"input.{managed}")
        props = i.node_props(input)[0] if input else {}
        node = await serving.deploy(
            info.context.db,
            version_id,
            serving_environment,
            deployment_name,
            props,
            actor=info.context.actor,
        )
        return t.Deployment.from_node(node)

    @strawberry.mutation(description="Stop a deployment: status STOPPED, history kept.")
    async def undeploy(self, info: Info, deployment_id: strawberry.ID) -> t.Deployment:
        node = await serving.undeploy(info.context.db, deployment_id, actor=info.context.actor)
        return t.Deployment.from_node(node)

    @strawberry.mutation(description="Record that a run consumed an entity (role: train, ...).")
    async def add_execution_input(
        self, info: Info, execution_id: strawberry.ID, entity_id: strawberry.ID, role: str = "input"
    ) -> t.Execution:
        node = await executions.add_input(
            info.context.db, execution_id, entity_id, role, actor=info.context.actor
        )
        return t.Execution.from_node(node)

    @strawberry.mutation(description="Record that a run produced an entity.")
    async def add_execution_output(
        self, info: Info, execution_id: strawberry.ID, entity_id: strawberry.ID
    ) -> t.Execution:
        node = await executions.add_output(
            info.context.db, execution_id, entity_id, actor=info.context.actor
        )
        return t.Execution.from_node(node)


async def _set_family(
    info: Info,
    entity_id: str,
    family: Family,
    entries: list[TypedValueInput],
    replace: bool,
    field: str,
) -> t.Entity:
    props = _typed(family, entries, field)
    prefixes = (family.scalar_prefix, family.json_prefix) if replace else ()
    node = await entities.edit(
        info.context.db,
        entity_id,
        actor=info.context.actor,
        set_props=props,
        clear_prefixes=prefixes,
    )
    return t.entity_from_node(node)


async def _remove_family(info: Info, entity_id: str, family: Family, keys: list[str]) -> t.Entity:
    if len(keys) > i.MAX_LIST_ITEMS:
        raise Invalid(f"at most {i.MAX_LIST_ITEMS} keys", field="keys")
    for index, key in enumerate(keys):
        check_key(key, f"keys[{index}]")
    props: dict[str, None] = {}
    for key in keys:
        props[family.scalar_prefix + key] = None
        props[family.json_prefix + key] = None
    node = await entities.edit(
        info.context.db, entity_id, actor=info.context.actor, set_props=props
    )
    return t.entity_from_node(node)


__all__ = ["Record", "RegistryMutation", "RegistryQuery"]
