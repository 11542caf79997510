"""The official Kubeflow Model Registry client (model-registry 0.3.18), unchanged, on ModelGraph.

The client is sync-over-async (it applies nest_asyncio2 and runs its own loop), so its calls run
in a worker thread; its async core client (ModelRegistryAPIClient) runs on the test's loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import mr_openapi
import pytest
from model_registry import ModelRegistry
from model_registry.core import ModelRegistryAPIClient
from model_registry.types import (
    Artifact,
    DataSet,
    DocArtifact,
    Metric,
    ModelArtifact,
    ModelVersion,
    Parameter,
    RegisteredModel,
)
from mr_openapi import ParameterType

from modelgraph import demo
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import listing
from modelgraph.store.db import Database
from modelgraph.store.listing import ListRequest, Op, Predicate
from tests.conftest import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore:User access token is missing:UserWarning")
T = TypeVar("T")
BASE = "/api/model_registry/v1"


_WORKER: list[ThreadPoolExecutor] = []


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a sync client call on the client's own thread (it runs its own event loop there)."""
    return await asyncio.get_running_loop().run_in_executor(_WORKER[0], fn, *args)


def _close_thread_loop() -> None:
    policy = asyncio.get_event_loop_policy()
    policy.get_event_loop().close()
    policy.set_event_loop(None)


_ASYNCIO_GLOBALS = [
    (asyncio, "Task"),
    (asyncio, "Future"),
    (asyncio, "run"),
    (asyncio, "get_event_loop"),
    (asyncio.tasks, "Task"),
    (asyncio.tasks, "_CTask"),
    (asyncio.futures, "Future"),
    (asyncio.futures, "_CFuture"),
    (asyncio.events, "get_event_loop"),
    (asyncio.events, "_get_event_loop"),
]


@pytest.fixture
def client_thread() -> Iterator[None]:
    """One thread for the sync client; afterwards its loop is closed (the client never does) and
    the asyncio globals its nest_asyncio2.apply() patched are restored, so other tests keep
    running on stock asyncio."""
    saved = [(owner, name, owner.__dict__.get(name)) for owner, name in _ASYNCIO_GLOBALS]
    policy_cls = type(asyncio.get_event_loop_policy())
    saved_policy = policy_cls.__dict__.get("get_event_loop")
    _WORKER.append(ThreadPoolExecutor(max_workers=1))
    yield
    worker = _WORKER.pop()
    worker.submit(_close_thread_loop).result()
    worker.shutdown()
    for owner, name, value in saved:
        setattr(owner, name, value)
    if saved_policy is None and "get_event_loop" in policy_cls.__dict__:
        delattr(policy_cls, "get_event_loop")
    for marker in ("_nest_patched", "_nest_asyncio2"):
        if hasattr(asyncio, marker):
            delattr(asyncio, marker)


@pytest.fixture
async def registry(
    live_server: LiveServer, client: httpx.AsyncClient, client_thread: None
) -> ModelRegistry:
    """The official client exactly as its README builds it, on an emptied graph."""

    def build() -> ModelRegistry:
        return ModelRegistry(
            server_address="http://127.0.0.1",
            port=live_server.port,
            author="tester",
            is_secure=False,
        )

    return await in_thread(build)


@pytest.fixture
def api(live_server: LiveServer, client: httpx.AsyncClient) -> ModelRegistryAPIClient:
    """The client's async core on an emptied graph."""
    return ModelRegistryAPIClient.insecure_connection("http://127.0.0.1", live_server.port)


METADATA = {"accuracy": 0.93, "epochs": 12, "approved": True, "team": "risk", "size": -7}


async def test_register_model_and_read_it_back(registry: ModelRegistry) -> None:
    def work() -> tuple[Any, ...]:
        rm = registry.register_model(
            "churn",
            "s3://models/churn/1",
            model_format_name="onnx",
            model_format_version="1.14",
            version="v1",
            version_description="first",
            storage_key="aws-conn",
            storage_path="churn/1",
            metadata=METADATA,
        )
        return (
            rm,
            registry.get_registered_model("churn"),
            registry.get_model_version("churn", "v1"),
            registry.get_model_artifact("churn", "v1"),
            registry.get_registered_model("missing"),
        )

    rm, fetched, mv, ma, missing = await in_thread(work)
    assert rm.id and rm.id.isdigit() and rm.owner == "tester"
    assert fetched is not None and fetched.id == rm.id and fetched.state == "LIVE"
    assert mv is not None and mv.name == "v1" and mv.registered_model_id == rm.id
    assert mv.author == "tester" and mv.description == "first"
    assert mv.custom_properties == METADATA
    assert isinstance(mv.custom_properties["epochs"], int)
    assert isinstance(mv.custom_properties["accuracy"], float)
    assert ma is not None and ma.uri == "s3://models/churn/1"
    assert (ma.model_format_name, ma.model_format_version) == ("onnx", "1.14")
    assert (ma.storage_key, ma.storage_path) == ("aws-conn", "churn/1")
    assert int(ma.create_time_since_epoch or 0) >= int(mv.create_time_since_epoch or 0)
    assert missing is None


async def test_register_same_version_twice_is_refused(registry: ModelRegistry) -> None:
    from model_registry.exceptions import StoreError

    def work() -> None:
        registry.register_model(
            "dup", "s3://a", model_format_name="onnx", model_format_version="1", version="v1"
        )
        registry.register_model(
            "dup", "s3://b", model_format_name="onnx", model_format_version="1", version="v1"
        )

    with pytest.raises(StoreError, match="already exists"):
        await in_thread(work)


async def test_update_and_archive(registry: ModelRegistry) -> None:
    def work() -> tuple[Any, ...]:
        rm = registry.register_model(
            "fraud",
            "s3://m/fraud",
            model_format_name="xgboost",
            model_format_version="2",
            version="v1",
            metadata={"stage": "dev", "runs": 3},
        )
        rm.description = "fraud detector"
        rm.state = "ARCHIVED"
        updated_rm = registry.update(rm)
        mv = registry.get_model_version("fraud", "v1")
        assert mv is not None
        mv.custom_properties = {"stage": "prod"}
        mv.state = "ARCHIVED"
        updated_mv = registry.update(mv)
        ma = registry.get_model_artifact("fraud", "v1")
        assert ma is not None
        ma.storage_path = "fraud/v1"
        ma.state = "LIVE"
        updated_ma = registry.update(ma)
        return (
            updated_rm,
            updated_mv,
            updated_ma,
            registry.get_registered_model("fraud"),
            registry.get_model_version("fraud", "v1"),
        )

    rm, mv, ma, rm_again, mv_again = await in_thread(work)
    assert rm.state == "ARCHIVED" and rm.description == "fraud detector"
    assert rm_again is not None and rm_again.state == "ARCHIVED"
    assert int(rm.last_update_time_since_epoch or 0) > int(rm.create_time_since_epoch or 0)
    # A supplied customProperties map replaces the old one.
    assert mv.custom_properties == {"stage": "prod"} and mv.state == "ARCHIVED"
    assert mv_again is not None and mv_again.custom_properties == {"stage": "prod"}
    assert ma.storage_path == "fraud/v1" and ma.state == "LIVE" and ma.uri == "s3://m/fraud"


async def _seed_models(http: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    created = []
    for index in range(count):
        response = await http.post(f"{BASE}/registered_models", json={"name": f"model-{index:03}"})
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


ORDERINGS = ["order_by_creation_time", "order_by_update_time", "order_by_id"]


def _sort_value(item: Any, ordering: str) -> int:
    if ordering == "order_by_id":
        return int(item.id)
    if ordering == "order_by_update_time":
        return int(item.last_update_time_since_epoch)
    return int(item.create_time_since_epoch)


@pytest.mark.parametrize("ordering", ORDERINGS)
async def test_registered_models_pager(
    registry: ModelRegistry, client: httpx.AsyncClient, ordering: str
) -> None:
    await _seed_models(client, 53)
    # Touch a few so update order differs from creation order.
    for name in ("model-010", "model-002"):
        found = (await client.get(f"{BASE}/registered_model", params={"name": name})).json()
        patched = await client.patch(
            f"{BASE}/registered_models/{found['id']}", json={"description": "touched"}
        )
        assert patched.status_code == 200

    def collect(descending: bool, size: int) -> list[RegisteredModel]:
        pager = getattr(registry.get_registered_models(), ordering)().page_size(size)
        pager = pager.descending() if descending else pager.ascending()
        return list(pager)

    for descending in (False, True):
        for size in (1, 7, 53, 100):
            items = await in_thread(collect, descending, size)
            assert len(items) == 53 and len({i.id for i in items}) == 53
            values = [_sort_value(i, ordering) for i in items]
            assert values == sorted(values, reverse=descending)
    if ordering == "order_by_update_time":
        newest = await in_thread(collect, True, 5)
        assert [m.name for m in newest[:2]] == ["model-002", "model-010"]


async def test_model_versions_pager(registry: ModelRegistry, client: httpx.AsyncClient) -> None:
    model = (await client.post(f"{BASE}/registered_models", json={"name": "many"})).json()
    for index in range(51):
        response = await client.post(
            f"{BASE}/registered_models/{model['id']}/versions",
            json={"name": f"v{index}", "registeredModelId": model["id"]},
        )
        assert response.status_code == 201, response.text
    other = (await client.post(f"{BASE}/registered_models", json={"name": "other"})).json()
    await client.post(
        f"{BASE}/model_versions", json={"name": "x", "registeredModelId": other["id"]}
    )

    def collect(ordering: str, descending: bool, size: int) -> list[ModelVersion]:
        pager = getattr(registry.get_model_versions("many"), ordering)().page_size(size)
        pager = pager.descending() if descending else pager.ascending()
        return list(pager)

    for ordering in ORDERINGS:
        for descending in (False, True):
            items = await in_thread(collect, ordering, descending, 4)
            assert len(items) == 51 and {i.registered_model_id for i in items} == {model["id"]}
            values = [_sort_value(i, ordering) for i in items]
            assert values == sorted(values, reverse=descending)


async def _upsert_metric(api: ModelRegistryAPIClient, version_id: str) -> Any:
    # model_registry.types.Metric cannot be sent in 0.3.18 (its int ``step`` fails the generated
    # model's string field), so the metric goes through the same client's generated API.
    async with api.get_client() as raw:
        body = mr_openapi.Artifact(
            mr_openapi.Metric(name="f1", value=0.81, step="3", artifactType="metric")
        )
        return Artifact.validate_artifact(await raw.upsert_model_version_artifact(version_id, body))


async def test_async_core_client_artifacts_of_every_type(api: ModelRegistryAPIClient) -> None:
    rm = await api.upsert_registered_model(RegisteredModel(name="core", external_id="ext-rm"))
    assert rm.id
    mv = await api.upsert_model_version(
        ModelVersion(name="v1", author="me", external_id="ext-mv"), rm.id
    )
    assert mv.id
    made = [
        await api.upsert_model_version_artifact(
            ModelArtifact(name="weights", uri="s3://w", external_id="ext-ma"), mv.id
        ),
        await api.upsert_model_version_artifact(
            DocArtifact(name="card", uri="s3://card.md"), mv.id
        ),
        await api.upsert_model_version_artifact(
            DataSet(name="train", uri="s3://train.csv", digest="sha256:1", source_type="s3"),
            mv.id,
        ),
        await _upsert_metric(api, mv.id),
        await api.upsert_model_version_artifact(
            Parameter(name="max_depth", value=6, parameter_type=ParameterType.NUMBER), mv.id
        ),
    ]
    kinds = [type(a).__name__ for a in made]
    assert kinds == ["ModelArtifact", "DocArtifact", "DataSet", "Metric", "Parameter"]
    assert all(a.id and a.id.isdigit() for a in made)

    listed = await api.get_model_version_artifacts(mv.id)
    assert sorted(type(a).__name__ for a in listed) == sorted(kinds)
    metric = next(a for a in listed if isinstance(a, Metric))
    assert metric.value == pytest.approx(0.81) and metric.step == 3

    only_models = await api.get_model_artifacts(mv.id)
    assert [a.name for a in only_models] == ["weights"]

    filtered = await api.get_artifacts(filter_query="uri LIKE 's3://%' AND name <> 'card'")
    assert sorted(a.name for a in filtered) == ["train", "weights"]
    typed = await api.get_artifacts(filter_query="name = 'f1' OR name ILIKE 'MAX%'")
    assert sorted(a.name for a in typed) == ["f1", "max_depth"]

    by_ext = await api.get_model_artifact_by_params(external_id="ext-ma")
    assert by_ext is not None and by_ext.id == made[0].id
    by_name = await api.get_model_artifact_by_params("weights", mv.id)
    assert by_name is not None and by_name.uri == "s3://w"
    rm_by_ext = await api.get_registered_model_by_params(external_id="ext-rm")
    assert rm_by_ext is not None and rm_by_ext.id == rm.id
    mv_by_ext = await api.get_model_version_by_params(external_id="ext-mv")
    assert mv_by_ext is not None and mv_by_ext.id == mv.id
    assert await api.get_model_version_by_params(external_id="nope") is None
    assert await api.get_model_artifact_by_id("999999") is None


async def test_registered_through_rest_is_in_the_graph(
    registry: ModelRegistry, db: Database
) -> None:
    await in_thread(
        lambda: registry.register_model(
            "graph-visible",
            "s3://g",
            model_format_name="sklearn",
            model_format_version="1.5",
            version="v7",
            metadata={"dataset": "customers"},
        )
    )
    models = await listing.list_page(
        db,
        ListRequest(kind=Label.REGISTERED_MODEL, filter=Predicate("name", Op.EQ, "graph-visible")),
        actor=SYSTEM,
    )
    assert len(models.nodes) == 1 and models.nodes[0]["owner"] == "tester"
    versions = await listing.list_page(
        db, ListRequest(kind=Label.MODEL_VERSION, parent_id=models.nodes[0]["id"]), actor=SYSTEM
    )
    assert [v["name"] for v in versions.nodes] == ["v7"]
    assert versions.nodes[0]["cp.dataset"] == "customers" and versions.nodes[0]["state"] == "LIVE"
    artifacts = await listing.list_page(
        db, ListRequest(kind=Label.MODEL_ARTIFACT, parent_id=versions.nodes[0]["id"]), actor=SYSTEM
    )
    assert [a["uri"] for a in artifacts.nodes] == ["s3://g"]
    assert artifacts.nodes[0]["modelFormatName"] == "sklearn"


async def test_client_connects_to_the_demo_loaded_through_graphql(
    live_server: LiveServer,
    client: httpx.AsyncClient,
    client_thread: None,
    db: Database,
    settings: Settings,
) -> None:
    # The README sequence: `modelgraph demo` (GraphQL mutations), then the official client.
    await demo.load(db, settings)

    def work() -> tuple[list[str], str | None, str | None]:
        registry = ModelRegistry(
            server_address="http://127.0.0.1",
            port=live_server.port,
            author="tester",
            is_secure=False,
        )
        names = sorted(rm.name for rm in registry.get_registered_models())
        version = registry.get_model_version("customer-churn-prediction", "v2")
        return names, version.author if version else None, version.id if version else None

    names, author, version_id = await in_thread(work)
    assert names == ["customer-churn-prediction", "fraud-detector"]
    assert author == demo.DEMO_USER and version_id is not None and version_id.isdigit()
