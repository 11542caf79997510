"""Read-backs for the ingest tests: GraphQL with a bearer token, and raw MATCHes."""

from __future__ import annotations

from typing import Any

import httpx

from modelgraph.store.db import Database


async def gql(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL request with a bearer token; the data (errors fail the test)."""
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def runs(db: Database) -> list[dict[str, Any]]:
    """Every Execution recorded from OpenLineage, by runId."""

    async def work(tx: Any) -> list[dict[str, Any]]:
        result = await tx.run(
            "MATCH (e:Execution) WHERE e.olRunId IS NOT NULL RETURN e {.*} AS e ORDER BY e.olRunId"
        )
        return [r["e"] async for r in result]

    out: list[dict[str, Any]] = await db.read(work)
    return out


async def count(db: Database, pattern: str, **params: Any) -> int:
    """How many matches of a fixed test pattern (values as ``$parameters``)."""

    async def work(tx: Any) -> int:
        result = await tx.run("MATCH " + pattern + " RETURN count(*) AS n", params)
        record = await result.single()
        return int(record["n"])

    out: int = await db.read(work)
    return out
