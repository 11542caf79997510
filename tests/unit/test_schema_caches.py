"""Parsing and validation are cached across requests (they dominate small requests)."""

from __future__ import annotations

from strawberry.extensions.validation_cache import _get_validate_cache

from modelgraph.graphql.schema import schema


async def test_second_identical_request_skips_validation() -> None:
    query = "{ serverVersion }"
    first = await schema.execute(query)
    assert not first.errors
    before = _get_validate_cache(256).cache_info()
    second = await schema.execute(query)
    assert not second.errors
    after = _get_validate_cache(256).cache_info()
    assert after.hits == before.hits + 1
    assert after.misses == before.misses
