"""The service skeleton over HTTP: health, readiness, GraphiQL and GraphQL error policy."""

from __future__ import annotations

import httpx

from modelgraph.settings import Settings
from tests.conftest import gql


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"


async def test_graphiql_is_served(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_graphql_answers_from_the_database(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ serverVersion schemaStatus { upToDate applied pending } }")
    assert "errors" not in body, body
    data = body["data"]
    assert isinstance(data, dict)
    assert data["schemaStatus"]["upToDate"] is True
    assert data["schemaStatus"]["applied"]


async def test_client_errors_are_typed_not_internal(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ noSuchField }")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    wrong_type = await gql(client, "query($x: Int!) { serverVersion }", {"x": "nope"})
    errors = wrong_type["errors"]
    assert isinstance(errors, list)
    assert errors[0]["extensions"]["code"] != "INTERNAL"


async def test_alias_flood_is_rejected(client: httpx.AsyncClient) -> None:
    many = " ".join(f"a{i}: serverVersion" for i in range(100))
    body = await gql(client, "{ " + many + " }")
    errors = body["errors"]
    assert isinstance(errors, list)
    assert "aliases" in errors[0]["message"].lower()


def test_password_is_hidden_from_repr() -> None:
    settings = Settings(neo4j_password="s3cret-password", _env_file=None)  # type: ignore[arg-type,call-arg]
    assert "s3cret-password" not in repr(settings)
    assert "s3cret-password" not in str(settings.model_dump())


async def test_unparsable_and_oversized_documents_have_a_code(client: httpx.AsyncClient) -> None:
    for document in ("{", "{ " + "serverVersion " * 6000 + "}"):
        response = await client.post("/graphql", json={"query": document})
        errors = response.json()["errors"]
        assert errors[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", errors
