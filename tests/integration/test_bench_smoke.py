"""The benchmark generator and loader: what they report is what lands in the graph."""

from __future__ import annotations

from pathlib import Path

from bench import offline_import
from bench.generator import MAX_CHAIN_DEPTH, SIZES
from bench.loader import graph_counts, load

from modelgraph.store.db import Database


async def test_tiny_load_counts_match_the_graph(db: Database) -> None:
    report = await load(db, SIZES["tiny"], seed=7, progress=False, samples=2)
    nodes, edges = await graph_counts(db)
    assert nodes == report.by_label
    assert edges == report.by_edge
    assert report.nodes == sum(nodes.values())
    assert report.edges == sum(edges.values())
    # Every kind of the contract and every lineage edge is exercised, and one chain is maximal.
    assert len(nodes) == 10
    assert {"CONSUMED_BY", "PRODUCED", "DEPLOYED_AS"} <= set(edges)
    assert report.handles.max_chain_depth == MAX_CHAIN_DEPTH
    assert report.handles.deployments and report.handles.raw_datasets


async def test_same_seed_gives_the_same_graph(db: Database) -> None:
    first = await load(db, 1, seed=3, progress=False)
    counts = await graph_counts(db)
    again = await load(db, 1, seed=3, progress=False)  # same ids, MERGE: nothing new
    assert await graph_counts(db) == counts
    assert first.by_label == again.by_label
    assert first.handles == again.handles


def test_offline_import_builds_the_same_graph_with_its_events(tmp_path: Path) -> None:
    """neo4j-admin import of the generated CSV, started and migrated: counts equal the
    generator's, and the outbox holds one created event per node (gap-free)."""
    result = offline_import.run(SIZES["tiny"], seed=7, home=tmp_path / "home")
    assert result["counts_match"], result
    assert result["events"] == result["nodes"] > 500
    assert result["imported"]["event_head"] == result["nodes"]
