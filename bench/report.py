"""Turns raw figures into ratios, target verdicts and the markdown summary."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from bench.workloads import ALL, Workload
from modelgraph.store.cypher import query
from modelgraph.store.db import Database

# (workload, peer question) pairs compared with each peer.
PEER_PAIRS: dict[str, list[tuple[str, str]]] = {
    "mlmd": [("trace", "trace"), ("impact_full", "impact"), ("lineage_both_d5", "lineage_both")],
    "mlflow": [
        ("impact_live", "impact"),
        ("impact_full", "impact"),
        ("register_model", "register"),
        ("model_list", "search"),
    ],
}


def one_line(rec: dict[str, Any]) -> str:
    """Console summary of one workload."""
    s1, s8 = rec["service"]["c1"], rec["service"]["c8"]
    f1 = rec["floor"]["c1"]
    return (
        f"  {rec['workload']}: c1 p50 {s1['p50_ms']:.1f} ms p99 {s1['p99_ms']:.1f} ms, "
        f"c8 {s8['throughput_rps']:.0f} req/s; raw DB p50 {f1['p50_ms']:.1f} ms "
        f"(overhead {rec['overhead']['c1']}x)"
    )


async def neo4j_profile(db: Database, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """PROFILE one query file with its real parameters: db hits and rows per operator."""
    # A fixed keyword in front of a query file's own text, as the EXPLAIN test does.
    text = "PROFILE " + query(name)

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        result = await tx.run(text, params)
        summary = await result.consume()
        profile = summary.profile or {}
        operators: list[dict[str, Any]] = []

        def walk(node: dict[str, Any]) -> None:
            args = node.get("args", {})
            operators.append(
                {
                    "operator": node.get("operatorType"),
                    "db_hits": node.get("dbHits", 0),
                    "rows": node.get("rows", 0),
                    "details": str(args.get("Details", ""))[:160],
                }
            )
            for child in node.get("children", []):
                walk(child)

        walk(profile)
        return {
            "total_db_hits": sum(op["db_hits"] for op in operators),
            "server_ms": (summary.result_available_after or 0)
            + (summary.result_consumed_after or 0),
            "top_operators": sorted(operators, key=lambda op: -op["db_hits"])[:8],
        }

    return await db.read(work)


def profile_reading(results: dict[str, Any]) -> str:
    """A short reading of where the slowest workload's time goes (service vs database)."""
    prof = results.get("profile")
    rec = _by_name(results.get("workloads", [])).get(prof["workload"]) if prof else None
    if not prof or rec is None:
        return ""
    service, raw = rec["service"]["c1"]["p50_ms"], rec["floor"]["c1"]["p50_ms"]
    share = raw / service if service else 0.0
    parts = [
        f"Reading: `{prof['workload']}` takes {service:.1f} ms at p50 over HTTP; replaying its "
        f"Cypher through the driver takes {raw:.1f} ms, so the database (plus driver decoding) "
        f"is {share:.0%} of the request and HTTP + GraphQL (parse, validate, resolvers, "
        f"serialisation) the remaining {service - raw:.1f} ms."
    ]
    plans = [p for p in prof["cypher"] if p["top_operators"]]
    if plans:
        heavy = max(plans, key=lambda p: p["total_db_hits"])
        top = heavy["top_operators"][0]
        total = sum(p["total_db_hits"] for p in plans)
        parts.append(
            f"In Neo4j the request runs {len(plans)} queries; `{heavy['query']}` does "
            f"{heavy['total_db_hits']:,} of their {total:,} db hits, "
            f"{top['db_hits'] / max(heavy['total_db_hits'], 1):.0%} of them in {top['operator']} "
            f"({top['details'][:80]})."
        )
    return " ".join(parts)


def trim_profile(text: str, lines: int = 60) -> str:
    """The head of a pyinstrument text report (the call tree's heaviest part)."""
    return "\n".join(text.splitlines()[:lines])


def _by_name(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["workload"]: r for r in records if r.get("status") == "ok" and "service" in r}


def slowest(records: list[dict[str, Any]], available: list[Workload]) -> Workload | None:
    """The read workload with the highest p50 at concurrency 1 (PROFILE must not write)."""
    measured = _by_name(records)
    reads = [w for w in available if not w.write and w.name in measured]
    if not reads:
        return None
    return max(reads, key=lambda w: measured[w.name]["service"]["c1"]["p50_ms"])


def peer_ratios(records: list[dict[str, Any]], peers: dict[str, Any]) -> list[dict[str, Any]]:
    """peer p50 / ModelGraph p50 on the same question (> 1: ModelGraph is faster)."""
    measured = _by_name(records)
    out: list[dict[str, Any]] = []
    for peer, pairs in PEER_PAIRS.items():
        answers = (peers.get(peer) or {}).get("questions", {})
        for workload, question in pairs:
            ours = measured.get(workload)
            theirs = answers.get(question)
            if ours is None or not theirs or "p50_ms" not in theirs:
                continue
            mg = ours["service"]["c1"]["p50_ms"]
            out.append(
                {
                    "peer": peer,
                    "question": question,
                    "modelgraph_workload": workload,
                    "modelgraph_p50_ms": mg,
                    "peer_p50_ms": theirs["p50_ms"],
                    "ratio": round(theirs["p50_ms"] / mg, 2) if mg else None,
                }
            )
    return out


def _target(name: str, value: float | None, limit: float, higher_is_better: bool) -> dict[str, Any]:
    if value is None:
        return {"target": name, "value": None, "met": None, "note": "not measured"}
    met = value >= limit if higher_is_better else value <= limit
    by = value / limit if not higher_is_better else limit / value if value else None
    note = "" if met else f"missed by {by:.2f}x" if by else "missed"
    return {"target": name, "value": value, "limit": limit, "met": met, "note": note}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each issue target with the measured value and whether it is met."""
    measured = _by_name(results.get("workloads", []))

    def p50(name: str) -> float | None:
        rec = measured.get(name)
        return rec["service"]["c1"]["p50_ms"] if rec else None

    def overhead(name: str) -> float | None:
        rec = measured.get(name)
        return rec["overhead"]["c1"] if rec else None

    def p99_ratio(name: str) -> float | None:
        rec = measured.get(name)
        return (
            _ratio(rec["service"]["c1"]["p99_ms"], rec["service"]["c1"]["p50_ms"]) if rec else None
        )

    # Issue 14's targets (they are set for the large size; smaller sizes are read the same way).
    out = [
        _target("trace p50 <= 5 ms (HTTP, c1)", p50("trace"), 5, False),
        _target("impact live p50 <= 5 ms (HTTP, c1)", p50("impact_live"), 5, False),
        _target("impact full p50 <= 5 ms (HTTP, c1)", p50("impact_full"), 5, False),
        _target("lineage BOTH depth 5 p50 <= 4 ms", p50("lineage_both_d5"), 4, False),
        _target("filtered model list p50 <= 5 ms", p50("model_list"), 5, False),
    ]
    for w in ALL:
        out.append(_target(f"{w.name} c1 p99 <= 3x p50", p99_ratio(w.name), 3, False))
    for w in ALL:
        if not w.write:
            out.append(_target(f"{w.name} overhead <= 1.5x raw DB", overhead(w.name), 1.5, False))
    floor_limits = {"trace": 2.5, "impact_full": 2.5, "lineage_both_d5": 1.5}
    for name, limit in floor_limits.items():
        rec = measured.get(name)
        raw = rec["floor"]["c1"]["p50_ms"] if rec else None
        out.append(_target(f"{name} raw DB p50 <= {limit} ms (MLMD's)", raw, limit, False))
    trace = measured.get("trace")
    c8 = trace["service"]["c8"]["throughput_rps"] if trace else None
    out.append(_target("trace c8 >= 300 req/s (1 worker)", c8, 300, True))
    scaling = results.get("workers_scaling") or []
    best = max((w["c8"]["throughput_rps"] for w in scaling), default=None)
    out.append(_target("trace c8 >= 300 req/s (best of MODELGRAPH_WORKERS)", best, 300, True))
    cliff = results.get("latency_cliff") or {}
    for name in ("trace", "impact_full"):
        out.append(
            _target(
                f"first {name} after 10k new nodes <= 3x p50",
                cliff.get(f"{name}_first_vs_p50"),
                3,
                False,
            )
        )
    load = results.get("load") or {}
    out.append(_target("online bulk load >= 30,000 nodes/s", load.get("nodes_per_s"), 30_000, True))
    offline = results.get("offline_import") or {}
    out.append(
        _target("offline import >= 200,000 nodes/s", offline.get("nodes_per_s"), 200_000, True)
    )
    ratios = results.get("peer_ratios") or []
    mlflow = [r for r in ratios if r["peer"] == "mlflow" and r["question"] == "impact"]
    best_mlflow = min((r["ratio"] for r in mlflow if r["ratio"]), default=None)
    out.append(_target(">= 10x faster than MLflow impact", best_mlflow, 10, True))
    register = [r for r in ratios if r["peer"] == "mlflow" and r["question"] == "register"]
    if register:
        out.append(_target("registerModel p50 <= MLflow register", register[0]["ratio"], 1, True))
    for r in ratios:
        if r["peer"] == "mlmd":
            out.append(_target(f"HTTP within 2x of MLMD on {r['question']}", r["ratio"], 0.5, True))
    soak = next((r for r in results.get("workloads", []) if r["workload"] == "memory_soak"), None)
    growth = abs(soak["growth_after_warmup_pct"]) if soak else None
    out.append(_target("service RSS flat (+-10%) over the soak", growth, 10, False))
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    """The short human summary written next to the JSON."""
    m = results["machine"]
    lines = [
        f"# ModelGraph benchmark · {results['size']}",
        "",
        f"Machine: {m['cpu_count']} CPUs, {m['memory_bytes'] / 2**30:.1f} GiB RAM, "
        f"Python {m['python']}, {m.get('neo4j', '?')} (page cache "
        f"{m.get('neo4j_memory', {}).get('pagecache', '?')}); load average at start "
        f"{m['load_average_at_start']}, at end {m.get('load_average_at_end')}. "
        "Absolute times on a shared machine are noise; read the ratios.",
        "",
    ]
    if results.get("complete") is False:
        lines += ["**Partial run**: the parts below were measured before it stopped.", ""]
    load = results.get("load")
    if load:
        lines += [
            "## Load",
            "",
            f"{load['nodes']:,} nodes and {load['edges']:,} relationships in "
            f"{load['seconds']:.1f} s: **{load['nodes_per_s']:,.0f} nodes/s**, "
            f"**{load['edges_per_s']:,.0f} relationships/s** (store/bulk.py, UNWIND chunks of "
            f"5,000, MERGE on id). Chains up to {load['handles']['max_chain_depth']} hops "
            f"(mean {load['handles']['mean_chain_depth']}).",
            "",
        ]
    lines += [
        "## Workloads (service over HTTP vs the same Cypher through the driver)",
        "",
        "| workload | c1 p50 | c1 p95 | c1 p99 | c1 req/s | c8 p50 | c8 p99 | c8 req/s "
        "| raw DB c1 p50 | overhead c1 | overhead c8 | errors (c1/c8) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rec in results.get("workloads", []):
        name = rec["workload"]
        if rec["workload"] == "memory_soak":
            continue
        if rec.get("status") != "ok":
            why = rec.get("error") or "schema lacks " + ", ".join(rec.get("missing", []))
            lines.append(f"| {name} | {rec['status']}: {why[:120]} |||||||||| ")
            continue
        s1, s8, f1 = rec["service"]["c1"], rec["service"]["c8"], rec["floor"]["c1"]
        cells = [
            s1["p50_ms"],
            s1["p95_ms"],
            s1["p99_ms"],
            s1["throughput_rps"],
            s8["p50_ms"],
            s8["p99_ms"],
            s8["throughput_rps"],
            f1["p50_ms"],
            rec["overhead"]["c1"],
            rec["overhead"]["c8"],
        ]
        errors = f"{s1['errors']}/{s8['errors']}"
        lines.append(f"| {name} | " + " | ".join(_fmt(c) for c in cells) + f" | {errors} |")
    lines += [
        "",
        "Latencies in ms. Overhead = service p50 / raw-database p50. Errors are requests that "
        "failed or passed the 30 s client timeout; they are not in the percentiles.",
        "",
    ]
    peers = results.get("peers")
    if peers is not None:
        lines += ["## Peers (same synthetic lineage)", ""]
        for peer, info in peers.items():
            if info.get("error"):
                lines.append(f"- **{peer}**: not measured — {info['error'][:400]}")
            else:
                load_s = info.get("load", {}).get("seconds")
                lines.append(f"- **{peer}** {info.get('version', '')}: loaded in {_fmt(load_s)} s")
        lines += [
            "",
            "| peer | question | ModelGraph workload | ModelGraph p50 | peer p50 "
            "| peer / ModelGraph |",
            "|---|---|---|---|---|---|",
        ]
        for r in results.get("peer_ratios", []):
            lines.append(
                f"| {r['peer']} | {r['question']} | {r['modelgraph_workload']} | "
                f"{_fmt(r['modelgraph_p50_ms'])} | {_fmt(r['peer_p50_ms'])} | "
                f"{_fmt(r['ratio'])}x |"
            )
        lines.append("")
        for peer, info in peers.items():
            for note in info.get("notes", []):
                lines.append(f"- {peer}: {note}")
        lines.append("")
    soak = next((r for r in results.get("workloads", []) if r["workload"] == "memory_soak"), None)
    if soak:
        lines += [
            "## Service memory",
            "",
            f"{soak['requests']:,} requests ({', '.join(soak['mix'])}, 8 concurrent, "
            f"{soak['errors']} errors): RSS start {soak['rss_start_mb']} MB, after warm-up "
            f"{soak['rss_after_warmup_mb']} MB, end {soak['rss_end_mb']} MB, max "
            f"{soak['rss_max_mb']} MB ({soak['growth_after_warmup_pct']:+.1f}% after warm-up).",
            "",
        ]
    lines += _extra_sections(results)
    lines += ["## Targets", "", "| target | value | met | note |", "|---|---|---|---|"]
    for t in results.get("targets", []):
        met = {True: "yes", False: "**no**", None: "-"}[t["met"]]
        lines.append(f"| {t['target']} | {_fmt(t['value'])} | {met} | {t.get('note', '')} |")
    lines.append("")
    prof = results.get("profile")
    if prof:
        lines += [f"## Profile of the slowest read workload: `{prof['workload']}`", ""]
        for plan in prof["cypher"]:
            top = ", ".join(
                f"{op['operator']} {op['db_hits']:,} hits" for op in plan["top_operators"][:4]
            )
            lines.append(
                f"- `{plan['query']}`: {plan['total_db_hits']:,} db hits, "
                f"{plan['server_ms']} ms on the server; heaviest: {top}"
            )
        lines += ["", "```", prof["pyinstrument"][:4000], "```", ""]
        reading = profile_reading(results)
        if reading:
            lines += [reading, ""]
    return "\n".join(lines)


def _extra_sections(results: dict[str, Any]) -> list[str]:
    """Worker scaling, the latency cliff after writes and the offline import."""
    lines: list[str] = []
    scaling = results.get("workers_scaling")
    if scaling:
        lines += [
            "## MODELGRAPH_WORKERS (trace, `modelgraph serve`)",
            "",
            "| workers | c1 p50 | c1 p99 | c8 p50 | c8 p99 | c8 req/s |",
            "|---|---|---|---|---|---|",
        ]
        for w in scaling:
            c1, c8 = w["c1"], w["c8"]
            cells = [c1["p50_ms"], c1["p99_ms"], c8["p50_ms"], c8["p99_ms"], c8["throughput_rps"]]
            lines.append(f"| {w['workers']} | " + " | ".join(_fmt(c) for c in cells) + " |")
        lines.append("")
    cliff = results.get("latency_cliff")
    if cliff:
        lines += [
            "## First requests after writes (latency cliff)",
            "",
            f"{cliff['new_nodes']:,} new nodes loaded through store/bulk.py "
            f"({_fmt(cliff['load_nodes_per_s'])} nodes/s), then one request of each shape:",
            "",
            "| workload | first (ms) | x c1 p50 | after the replan interval (ms) | x c1 p50 |",
            "|---|---|---|---|---|",
        ]
        for name in ("trace", "impact_full"):
            cells = [
                cliff.get(f"{name}_first_ms"),
                cliff.get(f"{name}_first_vs_p50"),
                cliff.get(f"{name}_after_replan_interval_ms"),
                cliff.get(f"{name}_after_replan_interval_vs_p50"),
            ]
            lines.append(f"| {name} | " + " | ".join(_fmt(c) for c in cells) + " |")
        lines.append("")
    offline = results.get("offline_import")
    if offline and offline.get("status") == "failed":
        lines += ["## Offline initial import", "", f"failed: `{offline['error']}`", ""]
    elif offline:
        lines += [
            "## Offline initial import (`neo4j-admin database import full`)",
            "",
            f"{offline['nodes']:,} nodes (+ {offline['events']:,} created events) and "
            f"{offline['edges']:,} relationships: CSV written in {offline['csv_seconds']} s, "
            f"imported in {offline['import_seconds']} s (JVM start included): "
            f"**{offline['nodes_per_s']:,.0f} nodes/s** ({offline['rows_per_s']:,.0f} rows/s); "
            f"counts match the generator: {offline['counts_match']}; schema (constraints, "
            f"indexes) applied afterwards in {offline['migrate_seconds']} s.",
            "",
        ]
    return lines


__all__ = ["ALL", "markdown", "peer_ratios", "slowest", "targets"]
