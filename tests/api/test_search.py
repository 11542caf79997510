"""`search` over the demo graph: ranked, prefix and typo tolerant, kind filter, typed errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from modelgraph import demo
from modelgraph.settings import Settings
from modelgraph.store import search as store
from modelgraph.store.db import Database
from tests.conftest import gql

SEARCH = """
query($q: String!, $kinds: [EntityKind!], $first: Int! = 10) {
  search(query: $q, kinds: $kinds, first: $first) {
    id kind name label parentName state score tags description entity { id kind name }
  }
}
"""


@pytest.fixture
async def demo_client(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> httpx.AsyncClient:
    await demo.load(db, settings)
    return client


async def _search(http: httpx.AsyncClient, q: str, **variables: Any) -> list[dict[str, Any]]:
    body = await gql(http, SEARCH, {"q": q, **variables})
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    hits: list[dict[str, Any]] = data["search"]
    return hits


async def test_exact_name_ranks_first(demo_client: httpx.AsyncClient) -> None:
    hits = await _search(demo_client, "churn-prod")
    assert hits[0]["name"] == "churn-prod" and hits[0]["kind"] == "Deployment"
    assert hits[0]["entity"]["id"] == hits[0]["id"]
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


async def test_prefix_and_typo_find_the_same_entity(demo_client: httpx.AsyncClient) -> None:
    typed = await _search(demo_client, "fraud-stag")
    assert typed[0]["name"] == "fraud-staging"
    typo = await _search(demo_client, "custmer transactoins")
    assert typo[0]["name"] == "customer-transactions" and typo[0]["kind"] == "Dataset"


async def test_kinds_filter_and_version_labels(demo_client: httpx.AsyncClient) -> None:
    hits = await _search(demo_client, "customer-churn-prediction v2", kinds=["ModelVersion"])
    assert hits and {hit["kind"] for hit in hits} == {"ModelVersion"}
    assert "customer-churn-prediction:v2" in [hit["label"] for hit in hits]
    assert all(hit["parentName"] == "customer-churn-prediction" for hit in hits)


async def test_lucene_syntax_in_the_text_is_searched_as_words(
    demo_client: httpx.AsyncClient,
) -> None:
    """Operators and quotes are escaped: no parse error, no query injection."""
    hits = await _search(demo_client, 'churn* AND "prod" OR name:(fraud) \\ ~ [a TO z]')
    assert hits[0]["name"] == "churn-prod"
    assert await _search(demo_client, "!!! ??? ***") == []


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"q": "   "}, "query"), ({"q": "x" * 201}, "query"), ({"q": "churn", "first": 0}, "first")],
)
async def test_bad_input_is_a_typed_error(
    demo_client: httpx.AsyncClient, variables: dict[str, Any], field: str
) -> None:
    body = await gql(demo_client, SEARCH, variables)
    errors: list[dict[str, Any]] = body["errors"]  # type: ignore[assignment]
    assert errors[0]["extensions"] == {"code": "INVALID_ARGUMENT", "field": field}


def test_lucene_query_escapes_every_special_character() -> None:
    assert store.escape('a+b-c:d"e(f)') == 'a\\+b\\-c\\:d\\"e\\(f\\)'
    assert store.lucene_query("Chu") == "(chu^4 OR chu*^2 OR chu~1)"
    assert store.lucene_query("--") is None
