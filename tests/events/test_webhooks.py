"""Webhooks against a real receiver: signatures, retries, Retry-After, dead letter, restarts."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from modelgraph.domain.principal import SYSTEM
from modelgraph.settings import Settings
from modelgraph.store import webhooks as webhook_store
from modelgraph.store.db import Database
from modelgraph.webhooks import service
from modelgraph.webhooks.worker import DeliveryWorker, backoff, retry_after
from tests.conftest import LiveServer, free_port, gql
from tests.events.conftest import event_settings
from tests.events.receiver import Receiver

CREATE = """mutation($url: String!, $types: [String!], $scope: ID) {
  createWebhook(url: $url, eventTypes: $types, scopeId: $scope) {
    secret webhook { id url eventTypes active }
  }
}"""
TEST = "mutation($id: ID!) { sendTestEvent(webhookId: $id) }"
LOG = """query($id: ID!, $status: DeliveryStatus) { webhook(id: $id) {
  deliveries(status: $status) { eventType status eventCursor lastStatusCode lastError
    attempts { number statusCode latencyMs error responseExcerpt } } } }"""


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


async def create_webhook(
    http: httpx.AsyncClient, url: str, types: list[str] | None = None, scope: str | None = None
) -> tuple[str, str]:
    created = data(await gql(http, CREATE, {"url": url, "types": types, "scope": scope}))
    return created["createWebhook"]["webhook"]["id"], created["createWebhook"]["secret"]


async def deliveries(
    http: httpx.AsyncClient, webhook_id: str, status: str | None = None
) -> list[dict[str, Any]]:
    got = data(await gql(http, LOG, {"id": webhook_id, "status": status}))
    found: list[dict[str, Any]] = got["webhook"]["deliveries"]
    return found


async def wait_status(
    http: httpx.AsyncClient, webhook_id: str, status: str, within: float = 20.0
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await deliveries(http, webhook_id, status)
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {status} delivery: {await deliveries(http, webhook_id)}")


async def test_test_event_arrives_signed_with_the_secret_shown_once(
    events_client: httpx.AsyncClient,
) -> None:
    with Receiver() as receiver:
        webhook_id, secret = await create_webhook(events_client, receiver.url)
        assert secret.startswith("whsec_")
        data(await gql(events_client, TEST, {"id": webhook_id}))
        (got,) = await asyncio.to_thread(receiver.wait_for, 1)
    assert got.signed_by(secret)
    assert not got.signed_by("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")
    assert got.json["type"] == "webhook.test"
    assert got.json["data"]["entityId"] == webhook_id
    assert got.headers["webhook-id"] == got.json["data"]["id"]
    listed = data(await gql(events_client, "{ webhooks { id url } }"))["webhooks"]
    assert listed == [{"id": webhook_id, "url": receiver.url}]
    assert secret not in str(listed)
    (log,) = await deliveries(events_client, webhook_id)
    assert log["status"] == "DELIVERED"
    assert [a["statusCode"] for a in log["attempts"]] == [200]
    assert log["attempts"][0]["responseExcerpt"] == "ok"


async def test_503_twice_then_200_is_delivered_on_the_third_attempt(
    events_client: httpx.AsyncClient,
) -> None:
    def script(n: int) -> tuple[int, dict[str, str]]:
        return (503, {}) if n < 2 else (200, {})

    with Receiver(script) as receiver:
        webhook_id, secret = await create_webhook(events_client, receiver.url)
        data(await gql(events_client, TEST, {"id": webhook_id}))
        await asyncio.to_thread(receiver.wait_for, 1)
        delivered = await wait_status(events_client, webhook_id, "DELIVERED")
    assert [a["statusCode"] for a in delivered["attempts"]] == [503, 503, 200]
    assert [r.answered for r in receiver.received] == [503, 503, 200]
    # Every attempt is the same message (one webhook-id) and each is freshly signed.
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert all(r.signed_by(secret) for r in receiver.received)
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
    assert gaps[0] >= 0.2 * 0.9 and gaps[1] >= 0.4 * 0.9  # exponential: base, then 2 x base


async def test_retry_after_is_honoured(events_client: httpx.AsyncClient) -> None:
    def script(n: int) -> tuple[int, dict[str, str]]:
        return (503, {"retry-after": "2"}) if n == 0 else (200, {})

    with Receiver(script) as receiver:
        webhook_id, _ = await create_webhook(events_client, receiver.url)
        data(await gql(events_client, TEST, {"id": webhook_id}))
        await asyncio.to_thread(receiver.wait_for, 1)
        first, second = receiver.received
    assert second.at - first.at >= 1.9  # not the 0.2 s backoff


async def test_receiver_down_longer_than_the_schedule_is_dead_lettered(
    events_client: httpx.AsyncClient,
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/hook"
    webhook_id, _ = await create_webhook(events_client, nobody)
    data(await gql(events_client, TEST, {"id": webhook_id}))
    dead = await wait_status(events_client, webhook_id, "DEAD")
    assert len(dead["attempts"]) == 3  # webhook_max_attempts in the event tests
    assert all(a["statusCode"] is None and "Connect" in a["error"] for a in dead["attempts"])
    assert await deliveries(events_client, webhook_id, "PENDING") == []


async def test_a_service_restart_between_attempts_loses_nothing(
    settings: Settings, db: Database
) -> None:
    slow = event_settings(settings, webhook_backoff_base=1.5)

    def script(n: int) -> tuple[int, dict[str, str]]:
        return (503, {}) if n == 0 else (200, {})

    with Receiver(script) as receiver:
        with LiveServer(slow) as first:
            async with httpx.AsyncClient(base_url=first.url, timeout=30) as http:
                webhook_id, secret = await create_webhook(http, receiver.url)
                data(await gql(http, TEST, {"id": webhook_id}))
                await asyncio.to_thread(receiver.wait_for_requests, 1)
        # The first service is gone before its retry was due; a new one picks the delivery up.
        assert [r.answered for r in receiver.received] == [503]
        with LiveServer(slow) as second:
            async with httpx.AsyncClient(base_url=second.url, timeout=30) as http:
                (got,) = await asyncio.to_thread(receiver.wait_for, 1)
                delivered = await wait_status(http, webhook_id, "DELIVERED")
    assert got.signed_by(secret)
    assert got.headers["webhook-id"] == receiver.received[0].headers["webhook-id"]
    assert [a["statusCode"] for a in delivered["attempts"]] == [503, 200]


async def test_deliveries_are_ordered_per_entity(events_client: httpx.AsyncClient) -> None:
    def script(n: int) -> tuple[int, dict[str, str]]:
        return (500, {}) if n == 0 else (200, {})  # the first event must block the others

    with Receiver(script) as receiver:
        webhook_id, _ = await create_webhook(events_client, receiver.url)
        for _ in range(5):
            data(await gql(events_client, TEST, {"id": webhook_id}))
        got = await asyncio.to_thread(receiver.wait_for, 5)
    cursors = [int(r.json["data"]["cursor"]) for r in got]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5


async def test_two_workers_deliver_each_event_exactly_once(
    settings: Settings, events_client: httpx.AsyncClient, db: Database
) -> None:
    fast = event_settings(settings)
    with Receiver() as receiver:
        hooks = [await create_webhook(events_client, receiver.url) for _ in range(3)]
        # Stop the server's own worker from taking part: pause, record events, then race two.
        for webhook_id, _ in hooks:
            data(await gql(events_client, TEST, {"id": webhook_id}))
        async with DeliveryWorker(db, fast) as one, DeliveryWorker(db, fast) as two:
            for _ in range(20):
                await asyncio.gather(one.run_once(), two.run_once())
                if len(receiver.delivered()) >= 3:
                    break
                await asyncio.sleep(0.05)
        await asyncio.to_thread(receiver.wait_for, 3)
        await asyncio.sleep(0.5)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 3
    assert await webhook_store.queue_depth(db) == 0


@pytest.mark.parametrize(
    ("url", "allow"),
    [
        ("http://127.0.0.1:9/hook", ""),
        ("http://localhost:9/hook", ""),
        ("http://169.254.169.254/latest/meta-data", "127.0.0.1/32"),
        ("http://10.1.2.3/hook", "127.0.0.1/32"),
        ("http://[::1]:9/hook", ""),
        ("ftp://example.com/hook", ""),
        ("http://user:pw@example.com/hook", ""),
    ],
)
async def test_ssrf_guard_refuses_non_public_targets(
    settings: Settings, db: Database, url: str, allow: str
) -> None:
    from modelgraph.domain.errors import Invalid
    from modelgraph.domain.principal import Principal

    guarded = settings.model_copy(update={"webhook_allow": allow})
    with pytest.raises(Invalid) as refused:
        await service.register(db, guarded, Principal("tester"), url=url)
    assert refused.value.field == "url"
    assert await service.manageable(db, SYSTEM) == []


async def test_bad_input_is_a_typed_error(events_client: httpx.AsyncClient) -> None:
    body = await gql(
        events_client, CREATE, {"url": "http://127.0.0.1:9/x", "types": ["model.exploded"]}
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # type: ignore[index]
    body = await gql(events_client, CREATE, {"url": "http://127.0.0.1:9/x", "scope": "nope"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    body = await gql(events_client, TEST, {"id": "nope"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    assert data(await gql(events_client, "{ webhooks { id } }"))["webhooks"] == []


async def test_paused_and_deleted_webhooks_get_nothing(events_client: httpx.AsyncClient) -> None:
    with Receiver() as receiver:
        webhook_id, _ = await create_webhook(events_client, receiver.url)
        paused = await gql(
            events_client,
            "mutation($id: ID!) { setWebhookActive(id: $id, active: false) { active } }",
            {"id": webhook_id},
        )
        assert data(paused) == {"setWebhookActive": {"active": False}}
        data(await gql(events_client, TEST, {"id": webhook_id}))
        await asyncio.sleep(1.0)
        assert receiver.received == []
        removed = await gql(
            events_client,
            "mutation($id: ID!) { deleteWebhook(id: $id) { id } }",
            {"id": webhook_id},
        )
        assert data(removed) == {"deleteWebhook": {"id": webhook_id}}


def test_backoff_and_retry_after_parsing() -> None:
    assert [backoff(n, 2.0, 30.0) for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 30, 30]
    assert retry_after("7", 0.0) == 7.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == 10.0
    assert retry_after("soon", 0.0) is None and retry_after(None, 0.0) is None
