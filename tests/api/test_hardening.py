"""Issue 10's reproductions against the real service: each one used to hang, 500 or succeed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from modelgraph.graphql.cost import MAX_COST
from modelgraph.graphql.pagination import NESTED_PAGE
from modelgraph.settings import Settings
from tests.api.test_registry_workflow import ok
from tests.conftest import LiveServer, free_port, gql
from tests.observability.test_metrics import Capture

V1 = "/api/model_registry/v1"
# The issue's 1.6 KB document: each fragment spreads the next twice (2^41 fields expanded).
FAN_OUT = (
    "query { ...F0 } "
    + " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
    + " fragment F40 on Query { serverVersion }"
)


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _typed(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    return body


async def test_fragment_fan_out_is_refused_fast_and_health_stays_up(
    client: httpx.AsyncClient,
) -> None:
    assert len(FAN_OUT) < 1700
    began = time.monotonic()
    attack = asyncio.create_task(client.post("/graphql", json={"query": FAN_OUT}, timeout=20))
    health = await client.get("/healthz", timeout=5)
    assert health.status_code == 200
    response = await attack
    took = time.monotonic() - began
    error = _typed(response, 200)["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    assert error["extensions"]["cost"] == 2**40 and error["extensions"]["limit"] == MAX_COST
    assert took < 2.0, took


async def test_nested_lists_are_paged_and_their_cost_bounded(client: httpx.AsyncClient) -> None:
    names = ["v1", "v2", "v3"]
    for name in names:
        await ok(
            client,
            """mutation($v: String!) { registerModel(input: {modelName: "m", versionName: $v})
            { version { id } } }""",
            v=name,
        )
    # The issue's shape, 8 levels: with default pages (100) it is refused before it runs.
    issue = (
        "{ registeredModels(first: 1) { nodes { versions { model { versions { model { "
        "versions { model { versions { name } } } } } } } } } }"
    )
    error = (await gql(client, issue))["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == MAX_COST
    # Asking for small pages answers, each nested list holding at most its page.
    paged = await ok(client, issue.replace("versions {", "versions(first: 2) {"))
    level = paged["registeredModels"]["nodes"][0]["versions"]
    assert len(level) == 2 and len(level[0]["model"]["versions"]) == 2
    deepest = level[0]["model"]["versions"][0]["model"]["versions"][0]["model"]["versions"]
    assert [v["name"] for v in deepest] == names[:2]
    within = await ok(client, "{ registeredModels { nodes { versions { name } } } }")
    assert [v["name"] for v in within["registeredModels"]["nodes"][0]["versions"]] == names
    too_big = await gql(client, "{ registeredModels { nodes { versions(first: 101) { name } } } }")
    assert too_big["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"  # type: ignore[index]
    limits = await ok(client, "{ queryLimits { maxCost defaultNestedPage } }")
    assert limits["queryLimits"] == {"maxCost": MAX_COST, "defaultNestedPage": NESTED_PAGE}


async def test_malformed_graphql_bodies_get_typed_400s(client: httpx.AsyncClient) -> None:
    headers = {"content-type": "application/json"}
    cases = [
        b'{"query": "{ serverVersion }", "x": "\xff\xfe"}',
        json.dumps("{ serverVersion }").encode(),
        b'{"query": "{ serverVersion }", "variables": {"x": ' + _deep(100_000).encode() + b"}}",
        b'{"query": "{ serverVersion }", "variables": {"x": 1e400}}',
    ]
    for body in cases:
        response = await client.post("/graphql", content=body, headers=headers)
        error = _typed(response, 400)["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST", error
    mutation = """mutation($v: JSON) { createRegisteredModel(input: {name: "a",
      customProperties: [{key: "k", type: JSON, jsonValue: $v}]}) { id } }"""
    struct = '{"a": ' * 5_000 + '"leaf"' + "}" * 5_000
    deep_struct = (
        '{"query": ' + json.dumps(mutation) + ', "variables": {"v": ' + struct + "}}"
    ).encode()
    response = await client.post("/graphql", content=deep_struct, headers=headers)
    assert _typed(response, 400)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert (await client.get(f"{V1}/registered_models")).json()["size"] == 0


async def test_malformed_rest_bodies_get_typed_400s(client: httpx.AsyncClient) -> None:
    headers = {"content-type": "application/json"}
    struct = "[" * 5_000 + "]" * 5_000
    cases = [
        b'{"name": "\xff"}',
        b'{"name": ' + _deep(100_000).encode() + b"}",
        b'{"name": "m", "customProperties": {"k": '
        b'{"metadataType": "MetadataDoubleValue", "double_value": 1e400}}}',
        json.dumps(
            {
                "name": "m",
                "customProperties": {
                    "k": {
                        "metadataType": "MetadataStructValue",
                        "struct_value": base64.b64encode(struct.encode()).decode(),
                    }
                },
            }
        ).encode(),
    ]
    for body in cases:
        response = await client.post(f"{V1}/registered_models", content=body, headers=headers)
        answer = _typed(response, 400)
        assert answer["code"] == "INVALID_ARGUMENT" and answer["message"], answer
    assert (await client.get(f"{V1}/registered_models")).json()["size"] == 0


async def test_cross_site_simple_posts_are_refused(client: httpx.AsyncClient) -> None:
    text = await client.post(
        f"{V1}/registered_models",
        content=json.dumps({"name": "csrf"}),
        headers={"content-type": "text/plain", "origin": "https://evil.example"},
    )
    assert _typed(text, 415)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    form = await client.post(
        "/graphql", data={"query": 'mutation { createDataset(input: {name: "x"}) { id } }'}
    )
    assert _typed(form, 415)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert (await client.get(f"{V1}/registered_models")).json()["size"] == 0
    preflight = await client.options(
        "/graphql",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_foreign_host_headers_are_refused(client: httpx.AsyncClient) -> None:
    rebound = await client.get("/healthz", headers={"host": "attacker.example:8000"})
    assert _typed(rebound, 400)["code"] == "INVALID_HOST"
    for host in ("localhost:8000", "127.0.0.1", "LOCALHOST"):
        assert (await client.get("/healthz", headers={"host": host})).status_code == 200


async def test_security_headers_and_csp(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/healthz"),
        await client.post("/graphql", json={"query": "{ serverVersion }"}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = await client.get("/graphql", headers={"accept": "text/html"})
    csp = page.headers["content-security-policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'sha256-" in script_src and "unsafe-inline" not in script_src, csp


async def _raw_post(url: str, head: str, body: bytes) -> bytes:
    # A raw socket: the server answers 413 before the client has sent the whole body. The answer
    # is read while the body is still being sent: once the server closes, the rest of the body
    # makes its kernel reset the connection, which would drop an answer not read yet.
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))

    async def send() -> None:
        with contextlib.suppress(ConnectionError):
            writer.write(head.encode())
            for start in range(0, len(body), 65536):
                writer.write(body[start : start + 65536])
                await writer.drain()

    sending = asyncio.create_task(send())
    answer = b""
    with contextlib.suppress(ConnectionError):
        while chunk := await asyncio.wait_for(reader.read(65536), timeout=10):
            answer += chunk
            if b"\r\n\r\n" in answer and b"}" in answer:
                break
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError, ConnectionError):
        await sending
    writer.close()
    return answer


async def test_large_bodies_are_refused_before_they_are_read(
    live_server: LiveServer, settings: Settings, db: object
) -> None:
    host = f"127.0.0.1:{live_server.port}"
    declared = await _raw_post(
        live_server.url,
        f"POST /graphql HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n"
        f"content-length: {50 * 1024 * 1024}\r\n\r\n",
        b"{",
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared[:200]
    assert b'"code":"PAYLOAD_TOO_LARGE"' in declared and b'"limit":' in declared
    chunk = b" " * 65536
    framed = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * (settings.max_body_bytes // 65536 + 2)
    lines = Capture()
    logging.getLogger("modelgraph.access").addHandler(lines)
    try:
        chunked = await _raw_post(
            live_server.url,
            f"POST {V1}/registered_models HTTP/1.1\r\nhost: {host}\r\n"
            "content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
            framed,
        )
        for _ in range(250):
            if any(x["path"] == f"{V1}/registered_models" for x in lines.lines):
                break
            await asyncio.sleep(0.02)
    finally:
        logging.getLogger("modelgraph.access").removeHandler(lines)
    # The server stops reading at the limit and closes; the rest of the body then makes its kernel
    # reset the connection, which on a busy machine can drop the answer before it is read. The
    # server's own access line says what it answered either way. (The line of the first request
    # can arrive late on a busy machine, so only this request's lines are judged.)
    answered = [x["status"] for x in lines.lines if x["path"] == f"{V1}/registered_models"]
    assert answered == [413], lines.lines
    if chunked:
        assert chunked.startswith(b"HTTP/1.1 413"), chunked[:200]
        assert b'"code":"PAYLOAD_TOO_LARGE"' in chunked


@pytest.fixture
def strict_server(settings: Settings) -> Iterator[LiveServer]:
    """A server that rate-limits loopback clients (2/s, bursts of 3) and caps answers at 2 KB."""
    strict = settings.model_copy(
        update={
            "rate_limit_per_second": 2.0,
            "rate_limit_burst": 3,
            "rate_limit_loopback": True,
            "max_response_bytes": 2048,
            "warm_up": False,
        }
    )
    with LiveServer(strict) as server:
        yield server


async def test_rate_limit_and_response_cap(strict_server: LiveServer, db: object) -> None:
    async with httpx.AsyncClient(base_url=strict_server.url, timeout=30) as http:
        fields = "maxCost maxDepth maxAliases maxTokens maxPageSize defaultNestedPage"
        big = "{ " + " ".join(f"a{n}: queryLimits {{ {fields} }}" for n in range(29)) + " }"
        capped = (await http.post("/graphql", json={"query": big})).json()
        assert capped["errors"][0]["extensions"] == {"code": "RESPONSE_TOO_LARGE", "limit": 2048}
        statuses = [
            (await http.get("/graphql?query={serverVersion}")).status_code for _ in range(6)
        ]
        assert 429 in statuses, statuses
        limited = await http.get("/graphql?query={serverVersion}")
        assert _typed(limited, 429)["code"] == "RESOURCE_EXHAUSTED"
        assert int(limited.headers["retry-after"]) >= 1
        assert (await http.get("/healthz")).status_code == 200


async def test_unreachable_database_fails_fast(settings: Settings) -> None:
    # Nothing listens on this port: connections are refused, as when Neo4j is stopped.
    down = settings.model_copy(
        update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}", "warm_up": False}
    )
    with LiveServer(down) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            began = time.monotonic()
            body = (
                await http.post("/graphql", json={"query": "{ schemaStatus { upToDate } }"})
            ).json()
            query_s = time.monotonic() - began
            assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE", body
            began = time.monotonic()
            ready = await http.get("/readyz")
            ready_s = time.monotonic() - began
            assert ready.status_code == 503
            rest = await http.get(f"{V1}/registered_models")
            assert _typed(rest, 503)["code"] == "UNAVAILABLE"
    assert query_s < 3.0, query_s
    assert ready_s < 1.5, ready_s
