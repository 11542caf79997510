"""GraphQL fuzz generated from the running schema with hypothesis-graphql (part of ``make fuzz``).

Starts its own Neo4j with the launcher (``bench/.state/fuzz-home``) and the real service, loads
the demo graph, introspects the schema and sends seeded, generated queries and mutations
(valid documents, plus a share of invalid ones) until ``--requests`` or ``--seconds`` run out.
Counts 5xx, hangs over 2 s, and unmasked errors (an error without ``extensions.code``, or a
message that leaks internals). Results merge into ``bench/results/fuzz.{json,md}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import graphql
import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes
from hypothesis_graphql import strategies as gql_st

from bench.chaos import Rig
from bench.fuzz_report import RESULTS, merge_results
from bench.service import STATE_DIR
from modelgraph import demo
from modelgraph.store import migrations
from modelgraph.store.db import Database, make_driver

HOME = STATE_DIR / "fuzz-home"
HANG_S = 2.0
TIMEOUT_S = 30.0
# What a masked error never shows a client.
LEAKS = re.compile(
    r"Traceback|neo4j\.|Neo\.ClientError|Cypher|File \"|object has no attribute|NoneType|"
    r"KeyError|TypeError|ValueError|AttributeError",
)
CUSTOM_SCALARS = {
    "Long": st.integers(min_value=-(2**63), max_value=2**63 - 1).map(nodes.Int),
    "Timestamp": st.integers(min_value=0, max_value=2**45).map(nodes.Int),
    "JSON": st.one_of(
        st.integers(-1000, 1000).map(nodes.Int),
        st.text(max_size=20).map(nodes.String),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    ),
}


class BudgetSpent(BaseException):
    """Stops hypothesis' generation loop once the request or time budget is used."""


@dataclass
class Tally:
    """What the fuzzed service answered."""

    requests: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    hangs: int = 0
    unmasked: int = 0
    internal: int = 0
    timeouts: int = 0
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    slowest_s: float = 0.0

    def keep(self, kind: str, document: str, answer: Any) -> None:
        bucket = self.samples.setdefault(kind, [])
        if len(bucket) < 5:
            bucket.append({"request": document[:1500], "response": str(answer)[:800]})


def _check(tally: Tally, phase: str, document: str, http: httpx.Client) -> None:
    tally.requests += 1
    tally.by_phase[phase] += 1
    started = time.monotonic()
    try:
        response = http.post("/graphql", json={"query": document})
    except httpx.TimeoutException:
        tally.timeouts += 1
        tally.hangs += 1
        tally.keep("hang", document, f"no answer in {TIMEOUT_S} s")
        return
    took = time.monotonic() - started
    tally.slowest_s = max(tally.slowest_s, took)
    if took > HANG_S:
        tally.hangs += 1
        tally.keep("hang", document, f"{took:.1f} s")
    tally.statuses[response.status_code] += 1
    if response.status_code >= 500:
        tally.server_errors += 1
        tally.keep("5xx", document, f"{response.status_code} {response.text[:500]}")
        return
    try:
        body = response.json()
    except ValueError:
        tally.unmasked += 1
        tally.keep("unmasked", document, f"{response.status_code} not JSON: {response.text[:300]}")
        return
    for error in (body.get("errors") or []) if isinstance(body, dict) else []:
        code = (error.get("extensions") or {}).get("code")
        tally.codes[str(code)] += 1
        if code is None or LEAKS.search(str(error.get("message", ""))):
            tally.unmasked += 1
            tally.keep("unmasked", document, error)
        elif code in ("INTERNAL", "INTERNAL_SERVER_ERROR"):
            tally.internal += 1
            tally.keep("internal", document, error)


def _runner(
    tally: Tally,
    http: httpx.Client,
    phase: str,
    end: float,
    strategy: st.SearchStrategy[str],
    quota: int,
    phase_seed: int,
) -> Callable[[], None]:
    @seed(phase_seed)
    @settings(
        max_examples=quota,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(document=strategy)
    def run(document: str) -> None:
        if time.monotonic() > end:
            raise BudgetSpent
        _check(tally, phase, document, http)

    return run  # type: ignore[no-any-return]


def fuzz(
    schema: graphql.GraphQLSchema,
    url: str,
    requests: int,
    seconds: float,
    fuzz_seed: int,
) -> Tally:
    """Send generated documents until the request or time budget is spent."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    # Mutations write, so they get the larger share; a tenth of each is invalid on purpose.
    plan = [
        ("query", gql_st.queries, Mode.POSITIVE, 0.40),
        ("mutation", gql_st.mutations, Mode.POSITIVE, 0.45),
        ("query-invalid", gql_st.queries, Mode.NEGATIVE, 0.05),
        ("mutation-invalid", gql_st.mutations, Mode.NEGATIVE, 0.10),
    ]
    headers = {"x-modelgraph-user": "fuzz"}
    with httpx.Client(base_url=url, timeout=TIMEOUT_S, headers=headers) as http:
        for n, (phase, make, mode, share) in enumerate(plan):
            quota = max(1, int(requests * share))
            phase_deadline = time.monotonic() + (deadline - time.monotonic()) * share / sum(
                p[3] for p in plan[n:]
            )
            strategy = make(schema, custom_scalars=CUSTOM_SCALARS, mode=mode)

            run = _runner(tally, http, phase, phase_deadline, strategy, quota, fuzz_seed + n)
            with contextlib.suppress(BudgetSpent):
                run()
            print(f"{phase}: {tally.by_phase[phase]} requests", flush=True)
    return tally


async def _prepare(rig: Rig) -> None:
    settings_ = rig.settings()
    driver = make_driver(settings_)
    try:
        db = Database(driver, settings_.neo4j_database)
        await migrations.migrate(db)
        await demo.load(db, settings_)
    finally:
        await driver.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    rig = Rig.fresh(HOME)
    began = time.monotonic()
    try:
        rig.start_neo4j()
        asyncio.run(_prepare(rig))
        service = rig.start_service()
        introspection = httpx.post(
            f"{service.url}/graphql",
            json={"query": graphql.get_introspection_query()},
            timeout=60,
        ).json()["data"]
        schema = graphql.build_client_schema(introspection)
        tally = fuzz(schema, service.url, args.requests, args.seconds, args.seed)
    finally:
        rig.stop()
    result = {
        "command": "python -m bench.fuzz_graphql " + " ".join(sys.argv[1:]),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.monotonic() - began, 1),
        "seed": args.seed,
        "requests": tally.requests,
        "requests_by_phase": dict(tally.by_phase),
        "http_statuses": {str(k): v for k, v in tally.statuses.items()},
        "error_codes": dict(tally.codes),
        "server_errors_5xx": tally.server_errors,
        "hangs_over_2s": tally.hangs,
        "timeouts": tally.timeouts,
        "slowest_s": round(tally.slowest_s, 2),
        "unmasked_errors": tally.unmasked,
        "internal_errors": tally.internal,
        "samples": tally.samples,
    }
    merge_results("graphql", result)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    print(f"results in {RESULTS / 'fuzz.json'}")
    return 1 if tally.server_errors or tally.hangs or tally.unmasked else 0


if __name__ == "__main__":
    sys.exit(main())
