"""The fuzzers' and the chaos writers' verdicts on real answers of the live service."""

from __future__ import annotations

import httpx
from bench.chaos import _classify_graphql, _classify_rest
from bench.fuzz_graphql import Tally, _check

from modelgraph.store.db import Database
from tests.conftest import LiveServer


def test_fuzz_tally_counts_codes_and_finds_no_leak_in_typed_errors(
    live_server: LiveServer, db: Database
) -> None:
    tally = Tally()
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        _check(tally, "query", "{ nope }", http)
        _check(tally, "query", '{ registeredModel(id: "missing") { id } }', http)
        _check(tally, "query", "{ __typename }", http)
    assert tally.requests == 3 and tally.statuses[200] + tally.statuses[400] == 3
    assert tally.codes["GRAPHQL_VALIDATION_FAILED"] == 1
    assert tally.server_errors == tally.unmasked == tally.internal == 0


def test_chaos_verdicts(live_server: LiveServer, db: Database) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        ok = http.post("/graphql", json={"query": "{ __typename }"})
        invalid = http.post("/graphql", json={"query": "{ nope }"})
        created = http.post(
            "/api/model_registry/v1alpha3/registered_models", json={"name": "verdict"}
        )
        missing = http.get("/api/model_registry/v1alpha3/registered_models/999999")
    assert _classify_graphql(ok)[0] == "ok"
    assert _classify_graphql(invalid)[0] == "other_error"
    assert _classify_rest(created)[0] == "ok"
    assert _classify_rest(missing)[0] == "other_error"
    unavailable = httpx.Response(503, json={"code": "UNAVAILABLE", "message": "down"})
    assert _classify_rest(unavailable)[0] == "unavailable"
    crashed = httpx.Response(500, text="Internal Server Error")
    assert _classify_rest(crashed)[0] == "server_error"
    assert _classify_graphql(crashed)[0] == "server_error"
    masked = httpx.Response(200, json={"data": None, "errors": [{"message": "x"}]})
    assert _classify_graphql(masked)[0] == "server_error"  # an error without a code
