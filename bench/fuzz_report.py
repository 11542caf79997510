"""``bench/results/fuzz.{json,md}``: GraphQL and REST fuzz results, each run updating its part."""

from __future__ import annotations

import json
from typing import Any

from bench.service import BENCH_DIR

RESULTS = BENCH_DIR / "results"


def merge_results(section: str, result: dict[str, Any]) -> None:
    """Store ``result`` as ``section`` of fuzz.json (keeping the other section) and re-render."""
    path = RESULTS / "fuzz.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data[section] = result
    path.write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / "fuzz.md").write_text(render(data))


def render(data: dict[str, Any]) -> str:
    lines = ["# Fuzz campaign", ""]
    gql = data.get("graphql")
    if gql:
        lines += [
            "## GraphQL (hypothesis-graphql, generated from the served schema)",
            "",
            f"`{gql['command']}` — {gql['finished_at']}, {gql['seconds']} s, seed {gql['seed']}",
            "",
            "| figure | value | must be |",
            "|---|---|---|",
            f"| requests | {gql['requests']} {gql['requests_by_phase']} | 100,000 asked |",
            f"| 5xx | {gql['server_errors_5xx']} | 0 |",
            f"| hangs > 2 s (timeouts) | {gql['hangs_over_2s']} ({gql['timeouts']}) | 0 |",
            f"| unmasked errors | {gql['unmasked_errors']} | 0 |",
            f"| INTERNAL (masked) errors | {gql['internal_errors']} | |",
            f"| slowest answer (s) | {gql['slowest_s']} | |",
            f"| HTTP statuses | {gql['http_statuses']} | |",
            f"| error codes | {gql['error_codes']} | |",
            "",
        ]
        for kind, samples in gql["samples"].items():
            for sample in samples[:3]:
                request, answer = sample["request"][:300], sample["response"][:300]
                lines.append(f"- {kind}: request `{request}` → `{answer}`")
        lines.append("")
    rest = data.get("rest")
    if rest:
        lines += [
            "## Kubeflow REST (schemathesis, every check)",
            "",
            f"`{rest['command']}` — {rest['finished_at']}, {rest['seconds']} s",
            "",
            "| figure | value | must be |",
            "|---|---|---|",
            f"| operations | {rest['operations']} | |",
            f"| test cases (schemathesis summary) | {rest['test_cases']} | |",
            f"| failed operations | {rest['failed_operations']} | 0 |",
            f"| 5xx (server_error check) | {rest['server_errors_5xx']} | 0 |",
            f"| responses over 2 s | {rest['slow_responses']} | 0 |",
            f"| failures by check | {rest['failures_by_check']} | |",
            "",
        ]
        for sample in rest["failure_samples"][:10]:
            lines.append(f"- {sample['operation']}: {sample['message'][:400]}")
        lines.append("")
    return "\n".join(lines) + "\n"
