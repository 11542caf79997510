"""The bulk loader writes contract-shaped nodes and edges, in chunks, idempotently."""

from __future__ import annotations

import pytest

from modelgraph.domain.access import EVERYONE, Permission, SubjectType
from modelgraph.domain.errors import NotFound
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import SYSTEM, AuthMethod, Principal
from modelgraph.store import access, admin, bulk, events
from modelgraph.store.bulk import Edge, GraphBatch
from modelgraph.store.db import Database
from modelgraph.store.listing import ListRequest, list_page
from modelgraph.webhooks.service import read_events


async def test_every_kind_and_edge_kind_loads_with_contract_fields(db: Database) -> None:
    g = GraphBatch()
    ids = {kind: g.node(kind, f"n-{kind.value}") for kind in Label}
    g.edge(Edge.HAS_VERSION, ids[Label.REGISTERED_MODEL], ids[Label.MODEL_VERSION])
    g.edge(Edge.HAS_VERSION, ids[Label.DATASET], ids[Label.DATASET_VERSION])
    g.edge(Edge.HAS_ARTIFACT, ids[Label.MODEL_VERSION], ids[Label.MODEL_ARTIFACT])
    g.edge(Edge.HAS_ARTIFACT, ids[Label.MODEL_VERSION], ids[Label.DOC_ARTIFACT])
    g.edge(Edge.HAS_RUN, ids[Label.EXPERIMENT], ids[Label.EXECUTION])
    g.edge(Edge.HOSTS, ids[Label.SERVING_ENVIRONMENT], ids[Label.DEPLOYMENT])
    g.consumed(ids[Label.DATASET_VERSION], ids[Label.EXECUTION], "train")
    g.produced(ids[Label.EXECUTION], ids[Label.MODEL_VERSION])
    g.deployed(ids[Label.MODEL_VERSION], ids[Label.DEPLOYMENT], since=5, until=None)
    g.alias(ids[Label.REGISTERED_MODEL], ids[Label.MODEL_VERSION], "champion", since=5)
    g.approval(ids[Label.MODEL_VERSION], "PRODUCTION")
    # 10 nodes + 9 edges + 1 alias + 1 approval
    assert await g.load(db) == 21
    assert await admin.count_nodes(db) == 12
    for kind in Label:
        page = await list_page(db, ListRequest(kind=kind, first=5), actor=SYSTEM)
        assert [n["name"] for n in page.nodes] == [f"n-{kind.value}"]
        assert page.nodes[0]["state"] == "LIVE" and page.nodes[0]["kind"] == kind.value
        # The same stamping as the single writer: author and a Kubeflow id from the start.
        assert page.nodes[0]["author"] == "modelgraph" and page.nodes[0]["kfId"] > 0


async def test_reload_is_idempotent_and_chunks_large_inputs(db: Database) -> None:
    rows = [{"id": f"id-{i:05d}", "name": f"d{i}", "createdAt": i} for i in range(bulk.CHUNK + 7)]
    assert await bulk.load_nodes(db, Label.DATASET, rows) == bulk.CHUNK + 7
    first = await list_page(db, ListRequest(kind=Label.DATASET, first=10), actor=SYSTEM)
    assert await bulk.load_nodes(db, Label.DATASET, rows[:10]) == 10
    again = await list_page(db, ListRequest(kind=Label.DATASET, first=10), actor=SYSTEM)
    assert [n["kfId"] for n in again.nodes] == [n["kfId"] for n in first.nodes]  # kept on reload
    assert len({n["kfId"] for n in first.nodes}) == 10
    assert await admin.count_nodes(db) == bulk.CHUNK + 7
    # two chunks, each its own statement
    assert db.round_trips.names.count("bulk/nodes") == 3


async def test_edge_to_missing_endpoint_is_reported(db: Database) -> None:
    g = GraphBatch()
    a = g.node(Label.DATASET_VERSION, "a")
    g.consumed(a, "no-such-execution")
    with pytest.raises(NotFound):
        await g.load(db)


async def test_bulk_nodes_record_their_created_events_once(db: Database) -> None:
    rows = [{"id": f"ev-{i:05d}", "name": f"m{i}"} for i in range(bulk.CHUNK + 3)]
    assert await bulk.load_nodes(db, Label.REGISTERED_MODEL, rows) == bulk.CHUNK + 3
    loaded = await read_events(db, SYSTEM, 0, limit=events.MAX_PAGE)
    head = await events.head(db)
    assert head == bulk.CHUNK + 3  # one event per node, gap-free across both chunks
    assert {e.type for e in loaded} == {"registered_model.created"}
    first = loaded[0]
    assert (first.entity_id, first.entity_kind, first.principal) == (
        "ev-00000",
        "RegisteredModel",
        "modelgraph",
    )
    assert first.payload == {"name": "m0"} and first.scope_ids == ["ev-00000"]
    # A reload changes nothing, so it records nothing; a new node in a mixed chunk records one.
    more = [*rows[:10], {"id": "ev-new", "name": "fresh"}]
    assert await bulk.load_nodes(db, Label.REGISTERED_MODEL, more) == 11
    assert await events.head(db) == head + 1
    [latest] = await read_events(db, SYSTEM, head)
    assert latest.entity_id == "ev-new"


async def test_graph_batch_children_name_their_parent_in_the_event_scope(db: Database) -> None:
    g = GraphBatch()
    model = g.node(Label.REGISTERED_MODEL, "m")
    version = g.node(Label.MODEL_VERSION, "v1", parent=model)
    await g.load(db)
    recorded = {e.entity_id: e for e in await events.for_entities(db, [model, version])}
    assert recorded[version].type == "model_version.created"
    assert recorded[version].scope_ids == [version, model]


async def test_bulk_models_get_the_grants_and_read_label_a_create_gives(db: Database) -> None:
    viewer = Principal("vera", roles=frozenset({"viewer"}), method=AuthMethod.TOKEN)
    g = GraphBatch()
    opened = g.node(Label.REGISTERED_MODEL, "bulk-open")
    await g.load(db)
    granted = {
        (r["subjectType"], r["subject"], r["permission"])
        for r in await access.grants(db, opened, actor=SYSTEM)
    }
    assert granted == {("USER", SYSTEM.id, "MANAGE"), ("GROUP", EVERYONE, "READ")}

    await access.set_default_permission(db, None, actor=SYSTEM)
    g = GraphBatch()
    closed = g.node(Label.REGISTERED_MODEL, "bulk-closed")
    await g.load(db)
    page = await list_page(db, ListRequest(kind=Label.REGISTERED_MODEL, first=5), actor=viewer)
    assert [n["id"] for n in page.nodes] == [opened]
    # A reload keeps grants changed since: opening the closed model survives loading it again.
    await access.set_grant(db, closed, SubjectType.GROUP, EVERYONE, Permission.READ, actor=SYSTEM)
    await g.load(db)
    page = await list_page(db, ListRequest(kind=Label.REGISTERED_MODEL, first=5), actor=viewer)
    assert sorted(n["id"] for n in page.nodes) == sorted([opened, closed])
