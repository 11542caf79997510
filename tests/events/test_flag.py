"""flagDatasetVersion: one impact.flagged event per live deployment that impact finds."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store import events
from modelgraph.store.db import Database
from tests.conftest import gql
from tests.events.receiver import Receiver
from tests.events.test_webhooks import create_webhook, data

FLAG = """mutation($ref: String!, $reason: String!) {
  flagDatasetVersion(ref: $ref, reason: $reason) { datasetVersionId reason deploymentIds events }
}"""
IMPACT = """query($ref: String!) { impact(ref: $ref, liveOnly: true) {
  deployments: nodes(kinds: [Deployment]) { id name } } }"""


async def test_flag_emits_one_event_per_live_deployment_and_fires_scoped_webhooks(
    events_client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await demo.load(db, settings)
    ref = "customer-transactions:v2"
    impacted = data(await gql(events_client, IMPACT, {"ref": ref}))["impact"]["deployments"]
    assert {d["name"] for d in impacted} == {"churn-prod", "fraud-staging"}
    fraud = data(await gql(events_client, '{ registeredModel(name: "fraud-detector") { id } }'))
    with Receiver() as everything, Receiver() as fraud_owners:
        await create_webhook(events_client, everything.url, ["impact.flagged"])
        _, secret = await create_webhook(
            events_client, fraud_owners.url, ["impact.flagged"], fraud["registeredModel"]["id"]
        )
        flagged = data(await gql(events_client, FLAG, {"ref": ref, "reason": "duplicated rows"}))
        result = flagged["flagDatasetVersion"]
        assert result["events"] == 2
        assert sorted(result["deploymentIds"]) == sorted(d["id"] for d in impacted)
        got_all = await asyncio.to_thread(everything.wait_for, 2)
        (got_fraud,) = await asyncio.to_thread(fraud_owners.wait_for, 1)
    assert {r.json["data"]["entityId"] for r in got_all} == {d["id"] for d in impacted}
    fraud_staging = next(d["id"] for d in impacted if d["name"] == "fraud-staging")
    assert got_fraud.json["data"]["entityId"] == fraud_staging
    assert got_fraud.signed_by(secret)
    payload: dict[str, Any] = got_fraud.json["data"]["payload"]
    assert payload["reason"] == "duplicated rows"
    assert payload["datasetVersionId"] == result["datasetVersionId"]
    assert payload["path"][0] == result["datasetVersionId"] and payload["path"][-1] == fraud_staging
    marked = await events.for_entities(db, [result["datasetVersionId"]])
    assert [e.type for e in marked][-1] == "dataset_version.flagged"


async def test_flag_refuses_what_is_not_a_dataset_version(
    events_client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await demo.load(db, settings)
    before = await events.head(db)
    for ref, reason, code in [
        ("churn-prod", "bad", "INVALID_ARGUMENT"),
        ("no-such-thing:v9", "bad", "NOT_FOUND"),
        ("customer-transactions:v2", "   ", "INVALID_ARGUMENT"),
    ]:
        body = await gql(events_client, FLAG, {"ref": ref, "reason": reason})
        assert body["errors"][0]["extensions"]["code"] == code, body  # type: ignore[index]
    assert await events.head(db) == before  # nothing half-written
