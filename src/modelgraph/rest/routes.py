"""Mount points of the Kubeflow-compatible REST API.

Handlers stay thin: parse and validate the request, build a store plan, render the result.
Errors are ``{code, message}`` with 400 (bad input), 404 (not found), 409 (conflict).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from modelgraph.auth.edge import principal_of
from modelgraph.domain import json_limits
from modelgraph.domain.access import Forbidden, Unauthenticated, local_principal
from modelgraph.domain.errors import (
    Conflict,
    FailedPrecondition,
    Invalid,
    ModelGraphError,
    NotFound,
    Unavailable,
)
from modelgraph.domain.graph import (
    KF_OWNER_KINDS,
    METRIC_PREFIX,
    PARENTS,
    Family,
    Label,
    ValueType,
    check_key,
    typed_entry,
)
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import ANONYMOUS_ID, Principal
from modelgraph.http.routing import one_route_per_path
from modelgraph.rest import resources as R
from modelgraph.rest.filter_query import parse_filter
from modelgraph.rest.resources import Resource
from modelgraph.rest.values import custom_properties_in
from modelgraph.settings import Settings
from modelgraph.store import kubeflow as store
from modelgraph.store import listing
from modelgraph.store.db import Database, Record
from modelgraph.store.listing import And, Filter, Op, Predicate

log = logging.getLogger(__name__)

PREFIXES = ("/api/model_registry/v1alpha3", "/api/model_registry/v1")
OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")
DEFAULT_PAGE_SIZE = 100
_ORDER = {
    "CREATE_TIME": store.KfSort.CREATED,
    "LAST_UPDATE_TIME": store.KfSort.UPDATED,
    "ID": store.KfSort.ID,
}
_STATUS: dict[type[ModelGraphError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    Invalid: 400,
    NotFound: 404,
    Conflict: 409,
    FailedPrecondition: 409,
    Unavailable: 503,
}
Handler = Callable[[Request], Awaitable[Response]]


def error_response(exc: ModelGraphError) -> JSONResponse:
    """A domain error as Kubeflow's ``{code, message}`` body with the matching status."""
    status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), 500)
    message = exc.message if not exc.field else f"{exc.field}: {exc.message}"
    limit = {"limit": exc.limit} if exc.limit is not None else {}
    return JSONResponse({"code": exc.code, "message": message, **limit}, status_code=status)


def _guard(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ModelGraphError as exc:
            return error_response(exc)

    return wrapped


def _db(request: Request) -> Database:
    db: Database = request.state.db
    return db


def _actor(request: Request, body: Mapping[str, Any] | None = None) -> Principal:
    """The edge's principal; in local mode without a user header, a create's Kubeflow ``author``
    declares it (as the official client does). With authentication on, the body is ignored."""
    principal = principal_of(request)
    settings: Settings = request.state.settings
    author = body.get("author") if body is not None else None
    local = settings.auth == "none" and principal.id == ANONYMOUS_ID
    if local and isinstance(author, str) and author.strip():
        return local_principal(author.strip())
    return principal


async def _body(request: Request) -> Mapping[str, Any]:
    return R.body_object(json_limits.loads(await request.body() or b"null"))


def _path_id(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    if not value or len(value) > 256:
        raise Invalid(f"invalid {name}", field=name)
    return value


# --- list parameters -------------------------------------------------------------------------


def _list_params(
    request: Request,
    resources: tuple[Resource, ...],
    joined: tuple[str, ...] = (),
    exact: tuple[str, ...] = ("name", "externalId"),
) -> store.PageRequest:
    q = request.query_params
    first = DEFAULT_PAGE_SIZE
    raw_size = q.get("pageSize")
    if raw_size not in (None, ""):
        # Digits only, as documented: int() would also take "+1", " 1" and "1_0".
        if not (raw_size.isascii() and raw_size.isdigit()):
            raise Invalid("pageSize must be a positive integer", field="pageSize")
        first = int(raw_size)
        if first < 1:
            raise Invalid("pageSize must be a positive integer", field="pageSize")
        # Larger pages are served in pages of MAX_PAGE_SIZE; nextPageToken continues.
        first = min(first, listing.MAX_PAGE_SIZE)
    order = q.get("orderBy") or "ID"
    if order not in _ORDER:
        raise Invalid("orderBy must be one of CREATE_TIME, LAST_UPDATE_TIME, ID", field="orderBy")
    sort = _ORDER[order]
    direction = q.get("sortOrder") or "ASC"
    if direction not in ("ASC", "DESC"):
        raise Invalid("sortOrder must be ASC or DESC", field="sortOrder")
    token = q.get("nextPageToken")
    after = store.PageToken.decode(token, sort) if token else None
    tree = parse_filter(q.get("filterQuery"), R.resolver(resources, joined))
    extra: list[Filter] = []
    for param, prop in (("name", "name"), ("externalId", "externalId")):
        if param in exact and q.get(param):
            extra.append(Predicate(prop, Op.EQ, q.get(param)))
    if extra:
        tree = And([*extra, tree]) if tree is not None else And(extra)
    return store.PageRequest(first, sort, direction == "DESC", after, tree)


def _envelope(items: list[dict[str, Any]], token: str | None, first: int) -> JSONResponse:
    return JSONResponse(
        {"items": items, "nextPageToken": token or "", "pageSize": first, "size": len(items)}
    )


# --- resource kinds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A single-label Kubeflow resource served by the generic handlers."""

    resource: Resource
    label: Label

    @property
    def kinds(self) -> tuple[str, ...]:
        return (self.label.value,)


RM = Kind(R.REGISTERED_MODEL, Label.REGISTERED_MODEL)
MV = Kind(R.MODEL_VERSION, Label.MODEL_VERSION)
MA = Kind(R.MODEL_ARTIFACT, Label.MODEL_ARTIFACT)
SE = Kind(R.SERVING_ENVIRONMENT, Label.SERVING_ENVIRONMENT)
IS = Kind(R.INFERENCE_SERVICE, Label.DEPLOYMENT)
EXP = Kind(R.EXPERIMENT, Label.EXPERIMENT)
RUN = Kind(R.EXPERIMENT_RUN, Label.EXECUTION)
ARTIFACT_KINDS = tuple(R.ARTIFACT_KIND.values())
OWNER_KINDS = tuple(k.value for k in KF_OWNER_KINDS)
_RUN_STATUS = {
    "RUNNING": "RUNNING",
    "SCHEDULED": "UNKNOWN",
    "FINISHED": "COMPLETED",
    "FAILED": "FAILED",
    "KILLED": "CANCELLED",
}


def _derived(kind: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Contract properties derived from Kubeflow fields (Deployment status, Execution status)."""
    out: dict[str, Any] = {}
    if kind == Label.DEPLOYMENT.value and "desiredState" in props:
        out["status"] = "RUNNING" if props["desiredState"] == "DEPLOYED" else "STOPPED"
    if kind == Label.EXECUTION.value and "runStatus" in props:
        out["status"] = _RUN_STATUS[props["runStatus"]]
    return out


_BY_KIND = {
    k.label.value: k.resource for k in (RM, MV, SE, IS, EXP, RUN) if k.resource.label is not None
}


def _render(node: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(node.get("kind"))
    resource = _BY_KIND.get(kind) or R.ARTIFACT_BY_KIND.get(kind)
    if resource is None:
        raise NotFound("no such resource")
    return R.render(resource, node)


def _update_props(
    resource: Resource, kind: str, body: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A PATCH as (properties to set, prefixes to clear first): customProperties replace."""
    props = R.update_properties(resource, body)
    props.update(_derived(kind, props))
    clear: tuple[str, ...] = ()
    if body.get("customProperties") is not None:
        props.update(custom_properties_in(body["customProperties"]))
        clear = (Family.CUSTOM.scalar_prefix, Family.CUSTOM.json_prefix)
    return props, clear


# --- generic handlers ------------------------------------------------------------------------


def get_one(kind: Kind, param: str) -> Handler:
    async def handler(request: Request) -> Response:
        node_id = _path_id(request, param)
        node = await store.get(_db(request), node_id, kind.kinds, actor=principal_of(request))
        if node is None:
            raise NotFound(f"no {kind.resource.name} with id {node_id!r}")
        return JSONResponse(_render(node))

    return _guard(handler)


def find_one(kind: Kind) -> Handler:
    async def handler(request: Request) -> Response:
        q = request.query_params
        node = await store.find(
            _db(request),
            kind.kinds,
            name=q.get("name") or None,
            external_id=q.get("externalId") or None,
            parent_id=q.get("parentResourceId") or None,
            artifacts=False,
            actor=principal_of(request),
        )
        if node is None:
            raise NotFound(f"no {kind.resource.name} matches")
        return JSONResponse(_render(node))

    return _guard(handler)


def list_kind(kind: Kind, parent: tuple[str, tuple[str, ...]] | None = None) -> Handler:
    async def handler(request: Request) -> Response:
        req = _list_params(request, (kind.resource,))
        scope = (_path_id(request, parent[0]), parent[1]) if parent else None
        page = await store.entity_page(
            _db(request), kind.label.value, req, scope, actor=principal_of(request)
        )
        return _envelope([_render(node) for node in page.nodes], page.next_token, req.first)

    return _guard(handler)


def create_kind(kind: Kind, parent_param: str | None = None) -> Handler:
    """POST of a new entity; ``parent_param`` takes the parent id from the path."""

    async def handler(request: Request) -> Response:
        body = dict(await _body(request))
        if parent_param is not None:
            body[kind.resource.parent_field or ""] = _path_id(request, parent_param)
        plan = _entity_plan(kind, body)
        node = await store.create(_db(request), plan, actor=_actor(request, body))
        return JSONResponse(_render(node), status_code=201)

    return _guard(handler)


def _entity_plan(kind: Kind, body: Mapping[str, Any]) -> store.NewNode:
    resource = kind.resource
    props = R.create_properties(resource, body)
    props.update(_derived(kind.label.value, props))
    if kind is RUN:
        props.setdefault("type", "TRAINING")
    plan = store.NewNode(kind.label.value, props)
    parent_id = R.parent_id(resource, body, required=kind in (MV, IS, RUN))
    if parent_id is not None:
        parent = PARENTS[kind.label]
        plan.parent = store.Ref(parent_id, (parent.kind.value,), resource.parent_field or "parent")
    if kind is IS:
        model_id = body.get("registeredModelId")
        if not isinstance(model_id, str) or not model_id:
            raise Invalid("registeredModelId is required", field="registeredModelId")
        plan.refs.append(store.Ref(model_id, RM.kinds, "registeredModelId"))
        version_id = props.get("modelVersionId")
        if version_id:
            plan.refs.append(store.Ref(version_id, MV.kinds, "modelVersionId"))
        plan.deploy = store.Deploy(version_id, props.get("desiredState") == "DEPLOYED")
    return plan


def patch_kind(kind: Kind, param: str) -> Handler:
    async def handler(request: Request) -> Response:
        node_id = _path_id(request, param)
        body = await _body(request)
        props, clear = _update_props(kind.resource, kind.label.value, body)
        refs: list[store.Ref] = []
        followup = None
        if kind is IS and ("modelVersionId" in body or "desiredState" in body):
            version = body.get("modelVersionId")
            if isinstance(version, str) and version:
                refs.append(store.Ref(version, MV.kinds, "modelVersionId"))

            def deploy(node: Record) -> tuple[store.Attach | None, store.Deploy | None]:
                serving = node.get("desiredState") == "DEPLOYED"
                return None, store.Deploy(node.get("modelVersionId"), serving)

            followup = deploy
        node = await store.update(
            _db(request),
            node_id,
            kind.kinds,
            props,
            actor=_actor(request),
            clear_prefixes=clear,
            refs=refs,
            followup=followup,
        )
        return JSONResponse(_render(node))

    return _guard(handler)


# --- artifacts -------------------------------------------------------------------------------


def _artifact_resource(body: Mapping[str, Any], default: str | None = None) -> Resource:
    artifact_type = body.get("artifactType") or default
    resource = R.ARTIFACT_BY_TYPE.get(artifact_type) if isinstance(artifact_type, str) else None
    if resource is None:
        raise Invalid(
            "artifactType must be one of model-artifact, doc-artifact, dataset-artifact, "
            "metric, parameter",
            field="artifactType",
        )
    return resource


def _artifact_types_param(request: Request) -> tuple[str, ...]:
    raw = request.query_params.get("artifactType")
    if not raw:
        return ARTIFACT_KINDS
    if raw not in R.ARTIFACT_KIND:
        raise Invalid("unknown artifactType", field="artifactType")
    return (R.ARTIFACT_KIND[raw],)


def _parameter_entry(name: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """hp.<key> for a parameter artifact, typed by parameterType."""
    value = props.get("value")
    ptype = props.get("parameterType") or "string"
    if value is None:
        return {}
    text = str(value)
    try:
        if ptype == "number":
            number = float(text)
            typed: Any = int(number) if number.is_integer() and "." not in text else number
            vt = ValueType.INT if isinstance(typed, int) else ValueType.FLOAT
            return typed_entry(Family.HYPERPARAMETERS, name, vt, typed, "value")
        if ptype == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            flag = text.lower() == "true"
            return typed_entry(Family.HYPERPARAMETERS, name, ValueType.BOOL, flag, "value")
        if ptype == "object":
            try:
                parsed = json.loads(text)
            except ValueError:
                # Kubeflow's client sends str(dict) (a Python repr): keep it as text.
                return typed_entry(Family.HYPERPARAMETERS, name, ValueType.STRING, text, "value")
            return typed_entry(Family.HYPERPARAMETERS, name, ValueType.JSON, parsed, "value")
    except ValueError:
        raise Invalid(f"value does not match parameterType {ptype}", field="value") from None
    return typed_entry(Family.HYPERPARAMETERS, name, ValueType.STRING, text, "value")


def _artifact_plan(
    resource: Resource, body: Mapping[str, Any], owner: tuple[str, str] | None
) -> store.NewNode:
    """Create plan for an artifact of any type, attached to ``owner`` (id, kind) when given."""
    artifact_type = resource.artifact_type or ""
    kind = R.ARTIFACT_KIND[artifact_type]
    props = R.create_properties(resource, body)
    if artifact_type in ("metric", "parameter", "dataset-artifact") and not props.get("name"):
        raise Invalid(f"a {artifact_type} needs a name", field="name")
    if artifact_type in ("metric", "parameter"):
        name = check_key(props["name"], "name")
        props["key"] = name
        if artifact_type == "metric" and props.get("value") is None:
            raise Invalid("a metric needs a value", field="value")
        props.setdefault("timestamp", now_ms())
        props.setdefault("step", 0)
    plan = store.NewNode(kind, props)
    if artifact_type == "dataset-artifact":
        plan.dataset = _dataset_name(body, props["name"])
    if owner is not None:
        owner_id, owner_kind = owner
        if owner_kind == Label.MODEL_VERSION.value and artifact_type in (
            "model-artifact",
            "doc-artifact",
        ):
            # Model and doc artifacts hang under their version (parentId + HAS_ARTIFACT).
            plan.parent = store.Ref(owner_id, MV.kinds, "modelVersionId", in_path=True)
        else:
            plan.attach = store.Attach(owner_id, _owner_props(artifact_type, props))
    return plan


def _owner_props(artifact_type: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """What a metric or parameter record sets on its owner (latest ``m.<key>``, ``hp.<key>``)."""
    if artifact_type == "metric" and record.get("value") is not None:
        return {METRIC_PREFIX + str(record["key"]): record["value"]}
    if artifact_type == "parameter":
        return _parameter_entry(str(record["key"]), record)
    return {}


def _dataset_name(body: Mapping[str, Any], default: str) -> str:
    """The Dataset of a dataset-artifact: custom property ``datasetName``, else its own name."""
    custom = body.get("customProperties")
    if isinstance(custom, Mapping):
        entry = custom.get("datasetName")
        if isinstance(entry, Mapping) and isinstance(entry.get("string_value"), str):
            value: str = entry["string_value"]
            if value.strip():
                return value
    return default


def get_artifact(kinds: tuple[str, ...], param: str) -> Handler:
    async def handler(request: Request) -> Response:
        node_id = _path_id(request, param)
        node = await store.get(_db(request), node_id, kinds, actor=principal_of(request))
        if node is None:
            raise NotFound(f"no artifact with id {node_id!r}")
        return JSONResponse(_render(node))

    return _guard(handler)


def find_artifact(kinds: tuple[str, ...] | None) -> Handler:
    async def handler(request: Request) -> Response:
        q = request.query_params
        node = await store.find(
            _db(request),
            kinds or _artifact_types_param(request),
            name=q.get("name") or None,
            external_id=q.get("externalId") or None,
            parent_id=q.get("parentResourceId") or None,
            artifacts=True,
            actor=principal_of(request),
        )
        if node is None:
            raise NotFound("no artifact matches")
        return JSONResponse(_render(node))

    return _guard(handler)


def list_artifacts(owner_param: str | None, fixed: tuple[str, ...] | None = None) -> Handler:
    async def handler(request: Request) -> Response:
        kinds = fixed or _artifact_types_param(request)
        req = _list_params(request, tuple(R.ARTIFACT_BY_KIND[k] for k in kinds))
        owner_id = _path_id(request, owner_param) if owner_param else None
        page = await store.artifact_page(
            _db(request), kinds, req, owner_id, actor=principal_of(request)
        )
        return _envelope([_render(n) for n in page.nodes], page.next_token, req.first)

    return _guard(handler)


def create_artifact(default_type: str | None) -> Handler:
    """POST /artifacts and /model_artifacts: an artifact not attached to anything yet."""

    async def handler(request: Request) -> Response:
        body = await _body(request)
        resource = _artifact_resource(body, default_type)
        if default_type and resource.artifact_type != default_type:
            raise Invalid(f"artifactType must be {default_type}", field="artifactType")
        plan = _artifact_plan(resource, body, None)
        node = await store.create(_db(request), plan, actor=_actor(request, body))
        return JSONResponse(_render(node), status_code=201)

    return _guard(handler)


def patch_artifact(kinds: tuple[str, ...] | None, param: str) -> Handler:
    async def handler(request: Request) -> Response:
        node_id = _path_id(request, param)
        body = await _body(request)
        allowed = kinds or ARTIFACT_KINDS
        current = await store.get(_db(request), node_id, allowed, actor=_actor(request))
        if current is None:
            raise NotFound(f"no artifact with id {node_id!r}")
        resource = R.ARTIFACT_BY_KIND[str(current["kind"])]
        claimed = body.get("artifactType")
        if claimed is not None and claimed != resource.artifact_type:
            raise Invalid("artifactType cannot change", field="artifactType")
        props, clear = _update_props(resource, str(current["kind"]), body)
        node = await store.update(
            _db(request), node_id, allowed, props, actor=_actor(request), clear_prefixes=clear
        )
        return JSONResponse(_render(node))

    return _guard(handler)


def upsert_owner_artifact(param: str, owner_kind: str) -> Handler:
    """POST /model_versions/{id}/artifacts and /experiment_runs/{id}/artifacts."""

    async def handler(request: Request) -> Response:
        owner_id = _path_id(request, param)
        body = await _body(request)
        resource = _artifact_resource(body)
        artifact_type = resource.artifact_type or ""
        db = _db(request)
        existing_id = body.get("id")
        if existing_id:
            if not isinstance(existing_id, str):
                raise Invalid("id must be a string", field="id")
            kind = R.ARTIFACT_KIND[artifact_type]
            props, clear = _update_props(resource, kind, body)

            def attach(node: Record) -> tuple[store.Attach | None, store.Deploy | None]:
                return store.Attach(owner_id, _owner_props(artifact_type, node)), None

            node = await store.update(
                db,
                existing_id,
                (kind,),
                props,
                actor=_actor(request),
                clear_prefixes=clear,
                followup=attach,
            )
            return JSONResponse(_render(node), status_code=200)
        plan = _artifact_plan(resource, body, (owner_id, owner_kind))
        node = await store.create(db, plan, actor=_actor(request, body))
        return JSONResponse(_render(node), status_code=201)

    return _guard(handler)


_STEP_IDS = re.compile(r"[0-9]{1,9}(,[0-9]{1,9})*")


def _step_ids(request: Request) -> list[int] | None:
    raw = request.query_params.get("stepIds")
    if not raw:
        return None
    if not _STEP_IDS.fullmatch(raw):
        raise Invalid("stepIds must be comma-separated step numbers", field="stepIds")
    return [int(step) for step in raw.split(",")]


def metric_history(param: str | None) -> Handler:
    """GET /experiment_runs/{id}/metric_history (one run) and /experiment_runs/metric_history
    (every run): metric points, narrowed by ``name`` (metric key) and ``stepIds``."""

    async def handler(request: Request) -> Response:
        run_id = _path_id(request, param) if param else None
        q = request.query_params
        req = _list_params(
            request, (R.METRIC,), joined=R.ARTIFACT_RUN_FIELDS, exact=("externalId",)
        )
        page = await store.run_metric_page(
            _db(request),
            req,
            run_id,
            name=q.get("name") or None,
            steps=_step_ids(request),
            actor=principal_of(request),
        )
        return _envelope([_render(n) for n in page.nodes], page.next_token, req.first)

    return _guard(handler)


# --- inference services ----------------------------------------------------------------------


def inference_service_target(kinds: tuple[str, ...], prop: str) -> Handler:
    """GET /inference_services/{id}/model and /version: the model or version it names."""

    async def handler(request: Request) -> Response:
        node_id = _path_id(request, "inference_service_id")
        db = _db(request)
        actor = principal_of(request)
        service = await store.get(db, node_id, IS.kinds, actor=actor)
        if service is None:
            raise NotFound(f"no InferenceService with id {node_id!r}")
        target_id = service.get(prop)
        target = await store.get(db, str(target_id), kinds, actor=actor) if target_id else None
        if target is None:
            raise NotFound(f"the InferenceService names no {kinds[0]}")
        return JSONResponse(_render(target))

    return _guard(handler)


def list_serves() -> Handler:
    """GET /inference_services/{id}/serves: the DEPLOYED_AS history as ServeModel records."""

    async def handler(request: Request) -> Response:
        service_id = _path_id(request, "inference_service_id")
        req = _list_params(request, (R.SERVE_MODEL,))
        page = await store.serve_page(_db(request), service_id, req, actor=principal_of(request))
        items = [R.render(R.SERVE_MODEL, node) for node in page.nodes]
        return _envelope(items, page.next_token, req.first)

    return _guard(handler)


def create_serve() -> Handler:
    """POST /inference_services/{id}/serves: the service now serves ``modelVersionId``."""

    async def handler(request: Request) -> Response:
        service_id = _path_id(request, "inference_service_id")
        body = await _body(request)
        version_id = body.get("modelVersionId")
        if not isinstance(version_id, str) or not version_id:
            raise Invalid("modelVersionId is required", field="modelVersionId")
        props = R.create_properties(R.SERVE_MODEL, body)
        record_id = new_id()
        props = {"id": record_id, "name": record_id, **props}
        node = await store.create_serve(
            _db(request), service_id, version_id, props, actor=_actor(request, body)
        )
        return JSONResponse(R.render(R.SERVE_MODEL, node), status_code=201)

    return _guard(handler)


async def openapi_document(_: Request) -> Response:
    """The OpenAPI document of what ModelGraph serves."""
    return Response(OPENAPI_FILE.read_text(encoding="utf-8"), media_type="application/yaml")


def _routes() -> list[Route]:
    get, post, patch = ["GET"], ["POST"], ["PATCH"]
    ma_kinds = MA.kinds
    return [
        Route("/openapi.yaml", openapi_document, methods=get),
        # registered models
        Route("/registered_models", list_kind(RM), methods=get),
        Route("/registered_models", create_kind(RM), methods=post),
        Route("/registered_model", find_one(RM), methods=get),
        Route(
            "/registered_models/{registered_model_id}",
            get_one(RM, "registered_model_id"),
            methods=get,
        ),
        Route(
            "/registered_models/{registered_model_id}",
            patch_kind(RM, "registered_model_id"),
            methods=patch,
        ),
        Route(
            "/registered_models/{registered_model_id}/versions",
            list_kind(MV, ("registered_model_id", RM.kinds)),
            methods=get,
        ),
        Route(
            "/registered_models/{registered_model_id}/versions",
            create_kind(MV, "registered_model_id"),
            methods=post,
        ),
        # model versions
        Route("/model_versions", list_kind(MV), methods=get),
        Route("/model_versions", create_kind(MV), methods=post),
        Route("/model_version", find_one(MV), methods=get),
        Route("/model_versions/{model_version_id}", get_one(MV, "model_version_id"), methods=get),
        Route(
            "/model_versions/{model_version_id}", patch_kind(MV, "model_version_id"), methods=patch
        ),
        Route(
            "/model_versions/{model_version_id}/artifacts",
            list_artifacts("model_version_id"),
            methods=get,
        ),
        Route(
            "/model_versions/{model_version_id}/artifacts",
            upsert_owner_artifact("model_version_id", Label.MODEL_VERSION.value),
            methods=post,
        ),
        # model artifacts
        Route("/model_artifacts", list_artifacts(None, ma_kinds), methods=get),
        Route("/model_artifacts", create_artifact("model-artifact"), methods=post),
        Route("/model_artifact", find_artifact(ma_kinds), methods=get),
        Route(
            "/model_artifacts/{model_artifact_id}",
            get_artifact(ma_kinds, "model_artifact_id"),
            methods=get,
        ),
        Route(
            "/model_artifacts/{model_artifact_id}",
            patch_artifact(ma_kinds, "model_artifact_id"),
            methods=patch,
        ),
        # artifacts of every type
        Route("/artifacts", list_artifacts(None), methods=get),
        Route("/artifacts", create_artifact(None), methods=post),
        Route("/artifact", find_artifact(None), methods=get),
        Route("/artifacts/{id}", get_artifact(ARTIFACT_KINDS, "id"), methods=get),
        Route("/artifacts/{id}", patch_artifact(None, "id"), methods=patch),
        # serving environments and inference services
        Route("/serving_environments", list_kind(SE), methods=get),
        Route("/serving_environments", create_kind(SE), methods=post),
        Route("/serving_environment", find_one(SE), methods=get),
        Route(
            "/serving_environments/{serving_environment_id}",
            get_one(SE, "serving_environment_id"),
            methods=get,
        ),
        Route(
            "/serving_environments/{serving_environment_id}",
            patch_kind(SE, "serving_environment_id"),
            methods=patch,
        ),
        Route(
            "/serving_environments/{serving_environment_id}/inference_services",
            list_kind(IS, ("serving_environment_id", SE.kinds)),
            methods=get,
        ),
        Route(
            "/serving_environments/{serving_environment_id}/inference_services",
            create_kind(IS, "serving_environment_id"),
            methods=post,
        ),
        Route("/inference_services", list_kind(IS), methods=get),
        Route("/inference_services", create_kind(IS), methods=post),
        Route("/inference_service", find_one(IS), methods=get),
        Route(
            "/inference_services/{inference_service_id}",
            get_one(IS, "inference_service_id"),
            methods=get,
        ),
        Route(
            "/inference_services/{inference_service_id}",
            patch_kind(IS, "inference_service_id"),
            methods=patch,
        ),
        Route(
            "/inference_services/{inference_service_id}/model",
            inference_service_target(RM.kinds, "registeredModelId"),
            methods=get,
        ),
        Route(
            "/inference_services/{inference_service_id}/version",
            inference_service_target(MV.kinds, "modelVersionId"),
            methods=get,
        ),
        Route("/inference_services/{inference_service_id}/serves", list_serves(), methods=get),
        Route("/inference_services/{inference_service_id}/serves", create_serve(), methods=post),
        # experiments and runs
        Route("/experiments", list_kind(EXP), methods=get),
        Route("/experiments", create_kind(EXP), methods=post),
        Route("/experiment", find_one(EXP), methods=get),
        Route("/experiments/{experiment_id}", get_one(EXP, "experiment_id"), methods=get),
        Route("/experiments/{experiment_id}", patch_kind(EXP, "experiment_id"), methods=patch),
        Route(
            "/experiments/{experiment_id}/experiment_runs",
            list_kind(RUN, ("experiment_id", EXP.kinds)),
            methods=get,
        ),
        Route(
            "/experiments/{experiment_id}/experiment_runs",
            create_kind(RUN, "experiment_id"),
            methods=post,
        ),
        Route("/experiment_runs", list_kind(RUN), methods=get),
        Route("/experiment_runs", create_kind(RUN), methods=post),
        Route("/experiment_run", find_one(RUN), methods=get),
        # before /experiment_runs/{experimentrun_id}, which would otherwise take this path
        Route("/experiment_runs/metric_history", metric_history(None), methods=get),
        Route("/experiment_runs/{experimentrun_id}", get_one(RUN, "experimentrun_id"), methods=get),
        Route(
            "/experiment_runs/{experimentrun_id}",
            patch_kind(RUN, "experimentrun_id"),
            methods=patch,
        ),
        Route(
            "/experiment_runs/{experimentrun_id}/artifacts",
            list_artifacts("experimentrun_id"),
            methods=get,
        ),
        Route(
            "/experiment_runs/{experimentrun_id}/artifacts",
            upsert_owner_artifact("experimentrun_id", Label.EXECUTION.value),
            methods=post,
        ),
        Route(
            "/experiment_runs/{experimentrun_id}/metric_history",
            metric_history("experimentrun_id"),
            methods=get,
        ),
    ]


def mounts() -> list[Route | Mount]:
    """Routes under ``/api/model_registry/v1alpha3/`` and ``/api/model_registry/v1/``."""
    routes = one_route_per_path(_routes())
    return [Mount(prefix, routes=list(routes)) for prefix in PREFIXES]
