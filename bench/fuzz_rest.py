"""Property-based fuzz of the Kubeflow-compatible REST API with schemathesis (``make fuzz``).

Starts ModelGraph on a free loopback port against the configured Neo4j (MODELGRAPH_NEO4J_URI;
the graph is migrated, not cleared: fuzz data is added to it), then runs ``schemathesis run``
over the served OpenAPI document with two checks: no 5xx, and every response matches the
document. Bounded by ``--max-examples`` per operation and a wall-clock ``--timeout``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from tests.conftest import LiveServer

from modelgraph.settings import Settings
from modelgraph.store import migrations
from modelgraph.store.db import Database, make_driver

CHECKS = "not_a_server_error,response_schema_conformance"


async def _migrate(settings: Settings) -> None:
    driver = make_driver(settings)
    try:
        await migrations.migrate(Database(driver, settings.neo4j_database))
    finally:
        await driver.close()


def main() -> int:
    """Run the fuzz; the exit code is schemathesis' (0: no failure found)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    settings = Settings()
    asyncio.run(_migrate(settings))
    with LiveServer(settings) as server:
        schema = f"{server.url}/api/model_registry/v1/openapi.yaml"
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            schema,
            "--url",
            server.url,
            "--checks",
            CHECKS,
            "--max-examples",
            str(args.max_examples),
            "--seed",
            str(args.seed),
            "--request-timeout",
            "30",
        ]
        with tempfile.TemporaryDirectory() as tmp:
            junit = Path(tmp) / "junit.xml"
            command += ["--report", "junit", "--report-junit-path", str(junit)]
            print("$", " ".join(command), flush=True)
            try:
                code = subprocess.run(command, timeout=args.timeout, env=os.environ).returncode
            except subprocess.TimeoutExpired:
                print(f"fuzz stopped after {args.timeout:.0f}s", file=sys.stderr)
                return 1
            if not junit.exists():
                return code or 1
            return _verdict(junit)


def _verdict(junit: Path) -> int:
    """Fail on check failures (5xx, responses off the document); schemathesis' own generation
    errors (it cannot build negative data for some nested schemas) are reported, not fatal."""
    root = ElementTree.parse(junit).getroot()
    cases = root.iter("testcase")
    failures = errors = total = 0
    for case in cases:
        total += 1
        failures += len(case.findall("failure"))
        for error in case.findall("error"):
            errors += 1
            print(
                f"generation error (not an API failure): {case.get('name')}: {error.get('message')}"
            )
    print(f"fuzz: {total} operations, {failures} failed, {errors} generation errors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
