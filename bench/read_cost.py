"""What the read-permission seam costs a list: totalCount and one page, per kind of principal.

    .venv/bin/python -m bench.read_cost --models 1000 --restricted 10 --repeat 30

Starts its own Neo4j with the launcher (temporary home, free port), creates ``--models`` models
through the writer (each gets the everyone-READ default), then times ``listing.count`` over all
of them and ``listing.list_page`` (first 20) for an admin and a viewer, first with every model
open, then after ``--restricted`` of them lose the everyone grant. Medians in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from modelgraph.domain.access import EVERYONE, SubjectType
from modelgraph.domain.graph import Label
from modelgraph.domain.principal import SYSTEM, AuthMethod, Principal
from modelgraph.neo4j_local import launcher
from modelgraph.settings import Settings
from modelgraph.store import access, entities, listing, migrations
from modelgraph.store.db import Database, make_driver

ADMIN = Principal("root", roles=frozenset({"admin"}), method=AuthMethod.TOKEN)
VIEWER = Principal("carol", roles=frozenset({"viewer"}), method=AuthMethod.TOKEN)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _median_ms(call: Callable[[], Awaitable[Any]], repeat: int) -> float:
    await call()  # plan once
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await call()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


async def _phase(db: Database, repeat: int) -> dict[str, float]:
    everything = listing.ListRequest(kind=Label.REGISTERED_MODEL, first=20)
    out: dict[str, float] = {}
    for who, principal in (("admin", ADMIN), ("viewer", VIEWER)):

        async def count(p: Principal = principal) -> int:
            return await listing.count(db, everything, actor=p)

        async def page(p: Principal = principal) -> listing.Page:
            return await listing.list_page(db, everything, actor=p)

        before = db.round_trips.count
        await count()
        out[f"round_trips_{who}"] = db.round_trips.count - before
        out[f"count_{who}"] = await _median_ms(count, repeat)
        out[f"page_{who}"] = await _median_ms(page, repeat)
    return out


async def main(models: int, restricted: int, repeat: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="mg-read-cost-"))
    server = launcher.start(home=home, port=_free_port())
    try:
        settings = Settings(neo4j_uri=server.uri, neo4j_password="", _env_file=None)
        driver = make_driver(settings)
        db = Database(driver, settings.neo4j_database)
        await migrations.migrate(db)
        ids = []
        for i in range(models):
            node = await entities.create(
                db, Label.REGISTERED_MODEL, {"name": f"cost-{i:05d}"}, actor=SYSTEM
            )
            ids.append(node["id"])
        result: dict[str, Any] = {"models": models, "restricted": restricted}
        result["open"] = await _phase(db, repeat)
        for model_id in ids[:restricted]:
            await access.set_grant(db, model_id, SubjectType.GROUP, EVERYONE, None, actor=SYSTEM)
        result["with_restricted"] = await _phase(db, repeat)
        await driver.close()
        return result
    finally:
        launcher.stop(home=home)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--restricted", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.models, args.restricted, args.repeat)), indent=2))
