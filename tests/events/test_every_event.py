"""Every change event type reaches a real receiver, validly signed, from GraphQL and REST."""

from __future__ import annotations

import asyncio

import httpx

from modelgraph import demo
from modelgraph.domain.events import EventType
from modelgraph.settings import Settings
from modelgraph.store.db import Database
from tests.conftest import gql
from tests.events.receiver import Receiver
from tests.events.test_webhooks import create_webhook, data

REST = "/api/model_registry/v1alpha3"
# The change events the issue lists (flags, tests and OpenLineage have tests of their own; the
# generic entity events and the access events feed the audit log and are tested there).
CHANGE_EVENTS = {
    t.value
    for t in EventType
    if t
    not in (
        EventType.WEBHOOK_TEST,
        EventType.IMPACT_FLAGGED,
        EventType.DATASET_VERSION_FLAGGED,
        EventType.LINEAGE_INGESTED,
        EventType.ENTITY_CREATED,
        EventType.ENTITY_UPDATED,
        EventType.ENTITY_ARCHIVED,
        EventType.API_TOKEN_CREATED,
        EventType.API_TOKEN_REVOKED,
        EventType.PERMISSION_SET,
        EventType.DEFAULT_PERMISSION_SET,
    )
}
IDS = """{ registeredModel(name: "customer-churn-prediction") { id versions { id name } }
  deployment(servingEnvironmentName: "staging-openshift", name: "fraud-staging") { id } }"""


async def test_every_change_event_type_arrives_signed(
    events_client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    with Receiver() as receiver:
        _, secret = await create_webhook(events_client, receiver.url)
        await demo.load(db, settings)  # models, versions, runs, dataset versions, stages, deploys
        ids = data(await gql(events_client, IDS))
        model = ids["registeredModel"]
        v1 = next(v["id"] for v in model["versions"] if v["name"] == "v1")
        for mutation, variables in [
            (
                'mutation($id: ID!) { updateRegisteredModel(id: $id, input: {owner: "team-x"}) '
                "{ id } }",
                {"id": model["id"]},
            ),
            (
                'mutation($id: ID!) { updateModelVersion(id: $id, input: {description: "d"}) '
                "{ id } }",
                {"id": v1},
            ),
            (
                "mutation($id: ID!) { approveVersion(versionId: $id, stage: PRODUCTION) "
                "{ stage } }",
                {"id": v1},
            ),
            (
                'mutation($m: ID!) { removeAlias(modelId: $m, alias: "champion") { alias } }',
                {"m": model["id"]},
            ),
            (
                "mutation($d: ID!) { undeploy(deploymentId: $d) { status } }",
                {"d": ids["deployment"]["id"]},
            ),
            ("mutation($id: ID!) { archive(id: $id) { id } }", {"id": v1}),
        ]:
            data(await gql(events_client, mutation, variables))
        created = await events_client.post(
            f"{REST}/registered_models",
            json={"name": "from-rest"},
            headers={"x-modelgraph-user": "kf"},
        )
        assert created.status_code == 201, created.text
        archived = await gql(
            events_client, "mutation($id: ID!) { archive(id: $id) { id } }", {"id": model["id"]}
        )
        data(archived)

        def all_types_seen() -> set[str]:
            while True:
                seen = {r.json["type"] for r in receiver.delivered()}
                if seen >= CHANGE_EVENTS:
                    return seen
                receiver.wait_for(len(receiver.delivered()) + 1, within=30)

        seen = await asyncio.wait_for(asyncio.to_thread(all_types_seen), 120)
    assert seen >= CHANGE_EVENTS
    assert all(r.signed_by(secret) for r in receiver.received)
    by_rest = [r.json["data"] for r in receiver.delivered() if r.json["data"]["principal"] == "kf"]
    assert [e["type"] for e in by_rest] == ["registered_model.created"]
    assert by_rest[0]["payload"] == {"name": "from-rest"}
    ids_sent = [r.headers["webhook-id"] for r in receiver.delivered()]
    assert len(ids_sent) == len(set(ids_sent))  # each event delivered once
