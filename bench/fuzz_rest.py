"""Property-based fuzz of the Kubeflow REST API with schemathesis (part of ``make fuzz``).

Starts its own Neo4j with the launcher (``bench/.state/fuzz-rest-home``) and the real service,
then runs ``schemathesis run`` over the served OpenAPI document with every check on (no 5xx,
response schema and status conformance, ...) and a 2 s response-time limit. Bounded by
``--max-examples`` per operation and a wall-clock ``--timeout``. Results merge into
``bench/results/fuzz.{json,md}``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bench.chaos import Rig
from bench.fuzz_report import merge_results
from bench.service import STATE_DIR
from modelgraph.store import migrations
from modelgraph.store.db import Database, make_driver

HOME = STATE_DIR / "fuzz-rest-home"
MAX_RESPONSE_S = "2"


async def _migrate(rig: Rig) -> None:
    settings = rig.settings()
    driver = make_driver(settings)
    try:
        await migrations.migrate(Database(driver, settings.neo4j_database))
    finally:
        await driver.close()


def main() -> int:
    """Run the fuzz; exit 1 when a check failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for the whole run")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--phases", default="examples,coverage,fuzzing,stateful", help="schemathesis phases"
    )
    parser.add_argument("--keep-junit", type=Path, help="copy schemathesis' JUnit report here")
    args = parser.parse_args()
    rig = Rig.fresh(HOME)
    began = time.monotonic()
    try:
        rig.start_neo4j()
        asyncio.run(_migrate(rig))
        service = rig.start_service()
        schema = f"{service.url}/api/model_registry/v1/openapi.yaml"
        with tempfile.TemporaryDirectory() as tmp:
            junit = Path(tmp) / "junit.xml"
            command = [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                schema,
                "--url",
                service.url,
                "--checks",
                "all",
                "--max-response-time",
                MAX_RESPONSE_S,
                "--continue-on-failure",
                "--phases",
                args.phases,
                "--max-examples",
                str(args.max_examples),
                "--seed",
                str(args.seed),
                "--request-timeout",
                "30",
                "--report",
                "junit",
                "--report-junit-path",
                str(junit),
            ]
            print("$", " ".join(command), flush=True)
            timed_out = False
            try:
                proc = subprocess.run(
                    command, timeout=args.timeout, env=os.environ, capture_output=True, text=True
                )
                output = proc.stdout + proc.stderr
            except subprocess.TimeoutExpired as exc:
                timed_out = True
                output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else ""
            print(output[-6000:])
            if args.keep_junit is not None and junit.exists():
                shutil.copyfile(junit, args.keep_junit)
            try:
                verdict = _verdict(junit) if junit.exists() else {}
            except ElementTree.ParseError:
                verdict = {}  # schemathesis was stopped before it wrote the report
    finally:
        rig.stop()
    cases = re.findall(r"(\d[\d,]*) (?:test cases|generated)", output)
    result = {
        "command": "python -m bench.fuzz_rest " + " ".join(sys.argv[1:]),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.monotonic() - began, 1),
        "timed_out": timed_out,
        "test_cases": cases[-1] if cases else None,
        "summary": output[-1500:],
        **verdict,
    }
    merge_results("rest", result)
    return 1 if timed_out or not verdict or verdict["failed_operations"] else 0


def _check_of(block: str) -> str:
    """The failed check's title: ``- ST112 Response time limit exceeded`` -> that title."""
    title = block.strip().removeprefix("- ").splitlines()[0].strip()
    return title or "other"


def _verdict(junit: Path) -> dict[str, Any]:
    """Operations, failures by check (5xx and slow responses singled out), samples."""
    root = ElementTree.parse(junit).getroot()
    by_check: Counter[str] = Counter()
    samples: list[dict[str, str]] = []
    operations = failed = errors = 0
    for case in root.iter("testcase"):
        operations += 1
        problems = case.findall("failure")
        failed += bool(problems)
        errors += len(case.findall("error"))
        for failure in problems:
            text = (failure.get("message") or "") + "\n" + (failure.text or "")
            # One <failure> lists every distinct problem of the operation, each under "- ".
            for block in re.split(r"\n(?=- )", text) or [text]:
                if not block.strip().startswith("- "):
                    continue
                check = _check_of(block)
                by_check[check] += 1
                if len(samples) < 30:
                    samples.append({"operation": case.get("name") or "", "message": block[:1200]})
    return {
        "operations": operations,
        "failed_operations": failed,
        "generation_errors": errors,
        "failures_by_check": dict(by_check),
        "server_errors_5xx": sum(n for t, n in by_check.items() if "server error" in t.lower()),
        "slow_responses": sum(n for t, n in by_check.items() if "response time" in t.lower()),
        "failure_samples": samples,
    }


if __name__ == "__main__":
    sys.exit(main())
