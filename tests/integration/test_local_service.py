"""The service on its own local Neo4j: unmigrated start, migrate, outage and recovery, crash.

These tests start a second, private Neo4j with the project's launcher because they stop and
kill it; the session's shared server is never touched.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from modelgraph.cli import app as cli_app
from modelgraph.neo4j_local import launcher
from modelgraph.settings import Settings
from tests.conftest import TEST_PASSWORD, LiveServer, free_port, gql

pytestmark = pytest.mark.slow


@dataclass
class PrivateNeo4j:
    home: Path
    port: int

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def settings(self, tmp: Path) -> Settings:
        # No lineage warm-up: these servers are stopped and killed under it.
        return Settings(
            neo4j_uri=self.uri,
            neo4j_password=SecretStr(TEST_PASSWORD),
            home=tmp,
            warm_up=False,
            _env_file=None,
        )

    def env(self) -> dict[str, str]:
        return {"MODELGRAPH_NEO4J_URI": self.uri, "MODELGRAPH_NEO4J_PASSWORD": TEST_PASSWORD}

    def start(self) -> None:
        launcher.start(home=self.home, port=self.port, password=TEST_PASSWORD)

    def migrate(self) -> None:
        result = CliRunner().invoke(cli_app, ["migrate"], env=self.env())
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def private_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateNeo4j]:
    if os.environ.get("MODELGRAPH_TEST_NEO4J_URI"):
        pytest.skip("uses the local launcher; MODELGRAPH_TEST_NEO4J_URI points elsewhere")
    server = PrivateNeo4j(tmp_path_factory.mktemp("private-neo4j"), free_port())
    server.start()
    try:
        yield server
    finally:
        launcher.stop(home=server.home)


async def _wait_for(http: httpx.AsyncClient, path: str, status: int, within: float) -> float:
    began = time.monotonic()
    while True:
        response = await http.get(path)
        if response.status_code == status:
            return time.monotonic() - began
        if time.monotonic() - began > within:
            raise AssertionError(
                f"{path} still {response.status_code} after {within}s: {response.text}"
            )
        await asyncio.sleep(0.2)


def test_unmigrated_database_is_refused_then_migrated(
    private_neo4j: PrivateNeo4j, tmp_path: Path
) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli_app, ["serve", "--port", str(free_port())], env=private_neo4j.env())
    assert refused.exit_code == 1
    assert "not migrated" in refused.output
    with LiveServer(private_neo4j.settings(tmp_path)) as server:
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 503
        assert ready.json()["pending"]
        migrated = runner.invoke(cli_app, ["migrate"], env=private_neo4j.env())
        assert migrated.exit_code == 0, migrated.output
        assert "applied" in migrated.output
        assert httpx.get(f"{server.url}/readyz").status_code == 200
    again = runner.invoke(cli_app, ["migrate"], env=private_neo4j.env())
    assert again.exit_code == 0 and "up to date" in again.output


async def test_outage_is_reported_and_recovered_without_restart(
    private_neo4j: PrivateNeo4j, tmp_path: Path
) -> None:
    await asyncio.to_thread(private_neo4j.migrate)
    with LiveServer(private_neo4j.settings(tmp_path)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await _wait_for(http, "/readyz", 200, within=10)
            await asyncio.to_thread(launcher.stop, private_neo4j.home)
            try:
                assert await _wait_for(http, "/readyz", 503, within=5) <= 5
                reason = (await http.get("/readyz")).json()["reason"]
                assert "unavailable" in reason.lower() or "answer" in reason.lower()
                body = await gql(http, "{ schemaStatus { upToDate } }")
                errors = body["errors"]
                assert isinstance(errors, list)
                assert errors[0]["extensions"]["code"] == "UNAVAILABLE"
                assert "database unavailable" in errors[0]["message"]
                assert "Traceback" not in str(body)
            finally:
                await asyncio.to_thread(private_neo4j.start)
            await _wait_for(http, "/readyz", 200, within=60)
            body = await gql(http, "{ schemaStatus { upToDate } }")
            assert body["data"] == {"schemaStatus": {"upToDate": True}}


async def test_acknowledged_writes_survive_sigkill(
    private_neo4j: PrivateNeo4j, tmp_path: Path
) -> None:
    create = """mutation($name: String!) {
        createRegisteredModel(input: {name: $name, owner: "team-durable"}) { id name } }"""
    names = [f"durable-{i:02d}" for i in range(25)]
    await asyncio.to_thread(private_neo4j.migrate)
    with LiveServer(private_neo4j.settings(tmp_path)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await _wait_for(http, "/readyz", 200, within=10)
            for name in names:
                body = await gql(http, create, {"name": name})
                assert "errors" not in body, body
            await asyncio.to_thread(launcher.kill_hard, private_neo4j.home)
            await asyncio.to_thread(private_neo4j.start)
            await _wait_for(http, "/readyz", 200, within=60)
            listed = await gql(
                http,
                """{ registeredModels(first: 100, filter: {field: OWNER, op: EQ,
                     value: "team-durable"}) { totalCount nodes { name } } }""",
            )
            data = listed["data"]
            assert isinstance(data, dict), listed
            assert data["registeredModels"]["totalCount"] == len(names)
            assert sorted(n["name"] for n in data["registeredModels"]["nodes"]) == names


async def test_requests_fail_fast_when_neo4j_dies_under_load(
    private_neo4j: PrivateNeo4j, tmp_path: Path
) -> None:
    # Issue 10 item 5: in-flight and new requests answered UNAVAILABLE quickly, probes < 1 s.
    query = "{ registeredModels(first: 20) { totalCount nodes { id name } } }"
    seen: list[tuple[float, float, str]] = []
    await asyncio.to_thread(private_neo4j.migrate)
    with LiveServer(private_neo4j.settings(tmp_path)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await _wait_for(http, "/readyz", 200, within=10)
            stop = asyncio.Event()

            async def worker() -> None:
                while not stop.is_set():
                    began = time.monotonic()
                    response = await http.post("/graphql", json={"query": query})
                    assert response.status_code == 200, response.text
                    errors = response.json().get("errors") or [{"extensions": {"code": "OK"}}]
                    seen.append((began, time.monotonic(), errors[0]["extensions"]["code"]))

            workers = [asyncio.create_task(worker()) for _ in range(8)]
            await asyncio.sleep(1.0)
            killed = time.monotonic()
            await asyncio.to_thread(launcher.kill_hard, private_neo4j.home)
            await asyncio.sleep(3.0)
            probes = []
            for _ in range(5):
                began = time.monotonic()
                assert (await http.get("/readyz")).status_code == 503
                probes.append(time.monotonic() - began)
            stop.set()
            await asyncio.gather(*workers)
    await asyncio.to_thread(private_neo4j.start)
    after = [(end - began, code) for began, end, code in seen if end > killed]
    assert after and {code for _, code in after} <= {"OK", "UNAVAILABLE"}, after
    assert any(code == "UNAVAILABLE" for _, code in after)
    slowest = max(took for took, _ in after)
    print(
        f"after kill: {len(after)} requests, slowest {slowest:.2f} s; /readyz {max(probes):.3f} s"
    )
    assert slowest < 4.0, slowest
    assert max(probes) < 1.5, probes
