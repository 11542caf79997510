"""ML Metadata (SQLite) answering trace, impact and lineage with ``get_lineage_subgraph``.

Run inside the MLMD virtualenv: ``python -m bench.peers.mlmd_peer CONFIG.json``.
Mapping: DatasetVersion, ModelVersion and Deployment are artifacts; every Execution is an
execution with INPUT / OUTPUT events; each ``DEPLOYED_AS`` edge becomes a ``Deploy``
execution (model version in, deployment out); a Dataset is a context its versions are
attributed to. Hop counts: MLMD counts artifact->execution and execution->artifact as one
hop each, as ModelGraph does, so depth bounds carry over (Deploy adds one hop per deployment).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.peers.common import Dump, emit, log, time_calls

BATCH = 2_000
MAX_HOPS = 50  # ModelGraph's bound for trace and impact


def main(config_path: str) -> None:
    import ml_metadata
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2 as pb

    config = json.loads(Path(config_path).read_text())
    workdir = Path(config["workdir"])
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "mlmd.sqlite"
    db_path.unlink(missing_ok=True)
    connection = pb.ConnectionConfig()
    connection.sqlite.filename_uri = str(db_path)
    connection.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    store = metadata_store.MetadataStore(connection)
    dump = Dump.read(Path(config["dump"]))
    handles, requests = config["handles"], config["requests"]

    began = time.perf_counter()
    type_ids = {
        kind: store.put_artifact_type(pb.ArtifactType(name=kind))
        for kind in ("DatasetVersion", "ModelVersion", "Deployment")
    }
    exec_type = store.put_execution_type(pb.ExecutionType(name="Execution"))
    deploy_type = store.put_execution_type(pb.ExecutionType(name="Deploy"))
    dataset_type = store.put_context_type(pb.ContextType(name="Dataset"))

    artifact_nodes = [n for n in dump.nodes.values() if n["kind"] in type_ids]
    artifact_id: dict[str, int] = {}
    for start in range(0, len(artifact_nodes), BATCH):
        part = artifact_nodes[start : start + BATCH]
        ids = store.put_artifacts(
            [
                pb.Artifact(
                    type_id=type_ids[n["kind"]],
                    uri=n.get("uri", ""),
                    external_id=n["id"],
                    name=n["id"],
                )
                for n in part
            ]
        )
        artifact_id.update((n["id"], i) for n, i in zip(part, ids, strict=True))
    execution_nodes = dump.of_kind("Execution")
    execution_id: dict[str, int] = {}
    for start in range(0, len(execution_nodes), BATCH):
        part = execution_nodes[start : start + BATCH]
        ids = store.put_executions(
            [pb.Execution(type_id=exec_type, external_id=n["id"], name=n["id"]) for n in part]
        )
        execution_id.update((n["id"], i) for n, i in zip(part, ids, strict=True))
    events: list[pb.Event] = []
    for e in dump.edges["CONSUMED_BY"]:
        if e["source"] in artifact_id:
            events.append(
                pb.Event(
                    artifact_id=artifact_id[e["source"]],
                    execution_id=execution_id[e["target"]],
                    type=pb.Event.INPUT,
                )
            )
    for e in dump.edges["PRODUCED"]:
        if e["target"] in artifact_id:
            events.append(
                pb.Event(
                    artifact_id=artifact_id[e["target"]],
                    execution_id=execution_id[e["source"]],
                    type=pb.Event.OUTPUT,
                )
            )
    deploys = dump.edges["DEPLOYED_AS"]
    for start in range(0, len(deploys), BATCH):
        part = deploys[start : start + BATCH]
        ids = store.put_executions([pb.Execution(type_id=deploy_type) for _ in part])
        for e, i in zip(part, ids, strict=True):
            events.append(
                pb.Event(artifact_id=artifact_id[e["source"]], execution_id=i, type=pb.Event.INPUT)
            )
            events.append(
                pb.Event(artifact_id=artifact_id[e["target"]], execution_id=i, type=pb.Event.OUTPUT)
            )
    for start in range(0, len(events), BATCH):
        store.put_events(events[start : start + BATCH])
    context_id: dict[str, int] = {}
    for raw in handles["raw_datasets"]:
        [cid] = store.put_contexts([pb.Context(type_id=dataset_type, name=raw)])
        context_id[raw] = cid
        store.put_attributions_and_associations(
            [
                pb.Attribution(artifact_id=artifact_id[v], context_id=cid)
                for v in dump.children(raw)
            ],
            [],
        )
    load_s = time.perf_counter() - began
    log(f"mlmd: loaded {len(artifact_id)} artifacts, {len(events)} events in {load_s:.1f} s")

    def walk(filter_query: str, hops: int, direction: int) -> int:
        options = pb.LineageSubgraphQueryOptions(
            starting_artifacts=pb.LineageSubgraphQueryOptions.StartingNodes(
                filter_query=filter_query
            ),
            max_num_hops=hops,
            direction=direction,
        )
        graph = store.get_lineage_subgraph(options)
        return len(graph.artifacts) + len(graph.executions)

    directions = pb.LineageSubgraphQueryOptions.Direction

    def trace(i: int) -> int:
        dep = handles["deployments"][i % len(handles["deployments"])]
        return walk(f"id = {artifact_id[dep]}", MAX_HOPS, directions.UPSTREAM)

    def impact(i: int) -> int:
        raw = handles["raw_datasets"][i % len(handles["raw_datasets"])]
        versions = store.get_artifacts_by_context(context_id[raw])
        ids = ",".join(str(a.id) for a in versions)
        return walk(f"id IN ({ids})", MAX_HOPS, directions.DOWNSTREAM)

    def lineage_both(i: int) -> int:
        fv = handles["feature_versions"][i % len(handles["feature_versions"])]
        return walk(f"id = {artifact_id[fv]}", 5, directions.BIDIRECTIONAL)

    emit(
        {
            "version": ml_metadata.__version__,
            "load": {"seconds": round(load_s, 1), "artifacts": len(artifact_id)},
            "questions": {
                "trace": time_calls(trace, requests),
                "impact": time_calls(impact, requests),
                "lineage_both": time_calls(lineage_both, requests),
            },
            "notes": [
                "trace/impact: get_lineage_subgraph with max_num_hops 50 (ModelGraph's bound); "
                "impact starts from the raw dataset's versions (get_artifacts_by_context, timed); "
                "MLMD has no notion of 'serving now', so it is compared with impact_full.",
            ],
        }
    )


if __name__ == "__main__":
    main(sys.argv[1])
