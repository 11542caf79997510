"""Idempotency-Key on GraphQL and REST writes, against the real service and Neo4j."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from prometheus_client import REGISTRY

from modelgraph.domain.graph import Label
from modelgraph.domain.principal import Principal
from modelgraph.settings import Settings
from modelgraph.store import governance, idempotency
from modelgraph.store.db import Database, pending_claim
from tests.conftest import LiveServer

V1 = "/api/model_registry/v1"
CREATE = """mutation($name: String!) {
  createRegisteredModel(input: {name: $name}) { id name createdAt } }"""
COUNT = "{ registeredModels(first: 100) { totalCount nodes { name } } }"


def _body(name: str) -> dict[str, Any]:
    return {"query": CREATE, "variables": {"name": name}}


def _headers(key: str, user: str = "tester") -> dict[str, str]:
    return {"idempotency-key": key, "x-modelgraph-user": user}


async def _write_with_claim(
    db: Database, key: str, payload: bytes, name: str, *, ttl_ms: int
) -> None:
    """A model written under ``key`` as the edge would for ``payload``, its answer not kept."""
    fingerprint = idempotency.fingerprint("POST", "/graphql", b"", payload)
    claim = idempotency.Claim(idempotency.key_scope("tester", key), "tester", fingerprint, ttl_ms)
    token = pending_claim.set(claim)
    try:
        await governance.write_entity(
            db, Label.REGISTERED_MODEL, {"name": name}, [], actor=Principal("tester")
        )
    finally:
        pending_claim.reset(token)
    assert claim.done


async def _models(client: httpx.AsyncClient) -> list[str]:
    response = await client.post("/graphql", json={"query": COUNT})
    page = response.json()["data"]["registeredModels"]
    assert page["totalCount"] == len(page["nodes"])
    return sorted(n["name"] for n in page["nodes"])


async def test_a_retried_graphql_create_replays_the_answer_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    first = await client.post("/graphql", json=_body("idem-a"), headers=_headers("k-1"))
    assert first.status_code == 200 and "errors" not in first.json(), first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post("/graphql", json=_body("idem-a"), headers=_headers("k-1"))
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await _models(client) == ["idem-a"]
    # Without the key the same request is a new write, refused by the unique name.
    plain = await client.post("/graphql", json=_body("idem-a"))
    assert plain.json()["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_a_retried_rest_create_replays_the_answer(client: httpx.AsyncClient) -> None:
    body = {"name": "idem-rest"}
    first = await client.post(f"{V1}/registered_models", json=body, headers=_headers("r-1"))
    assert first.status_code == 201, first.text
    again = await client.post(f"{V1}/registered_models", json=body, headers=_headers("r-1"))
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await _models(client) == ["idem-rest"]


async def test_the_same_key_with_another_body_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json=_body("idem-b"), headers=_headers("k-2"))
    other = await client.post("/graphql", json=_body("idem-c"), headers=_headers("k-2"))
    assert other.status_code == 409
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    rest = await client.post(
        f"{V1}/registered_models", json={"name": "idem-b"}, headers=_headers("k-2")
    )
    assert rest.status_code == 409
    assert rest.json()["code"] == "IDEMPOTENCY_KEY_REUSED" and rest.json()["message"]
    assert await _models(client) == ["idem-b"]


async def test_keys_are_scoped_per_principal(client: httpx.AsyncClient) -> None:
    for user, name in (("ann", "idem-ann"), ("bob", "idem-bob")):
        response = await client.post("/graphql", json=_body(name), headers=_headers("k-3", user))
        assert "errors" not in response.json(), response.text
        assert "idempotent-replayed" not in response.headers
    assert await _models(client) == ["idem-ann", "idem-bob"]


async def test_a_refused_write_keeps_no_key(client: httpx.AsyncClient) -> None:
    bad = await client.post("/graphql", json=_body(" padded "), headers=_headers("k-4"))
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    # The key was in the rolled-back transaction: the corrected request runs under it.
    good = await client.post("/graphql", json=_body("idem-d"), headers=_headers("k-4"))
    assert "errors" not in good.json() and "idempotent-replayed" not in good.headers
    assert await _models(client) == ["idem-d"]


async def test_malformed_keys_are_refused(client: httpx.AsyncClient) -> None:
    for key in ("x" * 256, "tab\tkey"):
        response = await client.post(
            f"{V1}/registered_models", json={"name": "idem-e"}, headers=_headers(key)
        )
        assert response.status_code == 400 and response.json()["code"] == "INVALID_ARGUMENT"
    assert await _models(client) == []


async def test_concurrent_retries_write_once(client: httpx.AsyncClient) -> None:
    answers = await asyncio.gather(
        *(client.post("/graphql", json=_body("idem-f"), headers=_headers("k-5")) for _ in range(8))
    )
    ids = set()
    for answer in answers:
        body = answer.json()
        if body.get("errors"):
            # Lost the race: at the edge (409) or at the claim inside the write (a GraphQL error).
            assert body["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_PENDING", body
        else:
            assert answer.status_code == 200, body
            ids.add(body["data"]["createRegisteredModel"]["id"])
    assert len(ids) == 1
    assert await _models(client) == ["idem-f"]


async def test_a_write_whose_answer_was_lost_is_not_repeated(
    client: httpx.AsyncClient, db: Database
) -> None:
    """The write committed with its key, then the answer never got stored (service or database
    died in between): a retry must not write again, and says so."""
    payload = json.dumps(_body("idem-g")).encode()
    await _write_with_claim(db, "k-6", payload, "idem-g", ttl_ms=60_000)
    retry = await client.post(
        "/graphql",
        content=payload,
        headers={**_headers("k-6"), "content-type": "application/json"},
    )
    assert retry.status_code == 409
    assert retry.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_PENDING"
    assert await _models(client) == ["idem-g"]


async def test_expired_keys_are_taken_over_and_pruned(
    client: httpx.AsyncClient, db: Database
) -> None:
    for key, name in (("k-7", "idem-h"), ("k-8", "idem-i")):
        payload = json.dumps(_body(name)).encode()
        await _write_with_claim(db, key, payload, name, ttl_ms=1)
    # k-7 has expired: another request may take it.
    fresh = await client.post("/graphql", json=_body("idem-j"), headers=_headers("k-7"))
    assert "errors" not in fresh.json() and "idempotent-replayed" not in fresh.headers, fresh.text
    assert await _models(client) == ["idem-h", "idem-i", "idem-j"]
    assert await idempotency.prune(db) == 1  # k-8; k-7 is live again
    again = await client.post("/graphql", json=_body("idem-j"), headers=_headers("k-7"))
    assert again.headers["idempotent-replayed"] == "true"


def _pruned() -> float:
    return REGISTRY.get_sample_value("modelgraph_idempotency_keys_pruned_total") or 0.0


async def test_the_service_deletes_expired_keys_in_the_background(
    settings: Settings, db: Database
) -> None:
    quick = settings.model_copy(
        update={"idempotency_ttl": 0.2, "idempotency_prune_interval": 0.2, "warm_up": False}
    )
    before = _pruned()
    with LiveServer(quick) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            first = await http.post("/graphql", json=_body("idem-p"), headers=_headers("k-p"))
            assert "errors" not in first.json(), first.text
            for _ in range(150):
                if _pruned() > before:
                    break
                await asyncio.sleep(0.2)
    assert _pruned() >= before + 1
    assert await idempotency.prune(db) == 0  # nothing expired is left behind
