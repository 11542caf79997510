"""Concurrent writers that share nodes (one model, one experiment, one input dataset version,
one output dataset) all succeed: lock order across writers cannot deadlock them into errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.conftest import gql

REGISTER = """mutation($m: String!, $v: String!, $x: ID, $d: ID!) {
  registerModel(input: {modelName: $m, versionName: $v,
    version: {metrics: [{key: "auc", value: 0.9}]},
    artifact: {uri: "s3://m/v"},
    training: {experimentId: $x, datasets: [{id: $d}], metrics: [{key: "loss", value: 0.1}]}})
  { version { id } } }"""
LOG = """mutation($input: LogExecutionInput!) {
  logExecution(input: $input) { execution { id } } }"""


async def _ok(http: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await gql(http, query, variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]  # type: ignore[assignment]
    return data


async def test_concurrent_registrations_and_runs_on_shared_nodes_all_succeed(
    client: httpx.AsyncClient,
) -> None:
    ds = (await _ok(client, 'mutation { createDataset(input: {name: "raw"}) { id } }'))[
        "createDataset"
    ]["id"]
    dv = (
        await _ok(
            client,
            'mutation($d: ID!) { createDatasetVersion(datasetId: $d, input: {name: "v1"}) { id } }',
            d=ds,
        )
    )["createDatasetVersion"]["id"]
    await _ok(client, 'mutation { createDataset(input: {name: "out"}) { id } }')
    x = (await _ok(client, 'mutation { createExperiment(input: {name: "x"}) { id } }'))[
        "createExperiment"
    ]["id"]
    await _ok(client, REGISTER, m="shared", v="v0", x=x, d=dv)

    writes = []
    for n in range(12):
        writes.append(gql(client, REGISTER, {"m": "shared", "v": f"v{n + 1}", "x": x, "d": dv}))
        writes.append(gql(client, REGISTER, {"m": f"own-{n}", "v": "v1", "x": x, "d": dv}))
        run = {
            "name": f"prep-{n}",
            "experimentId": x,
            "metrics": [{"key": "rows", "value": n}],
            "inputs": [{"id": dv, "role": "raw"}],
            "outputs": [{"newDatasetVersion": {"dataset": "out", "version": f"o{n}"}}],
        }
        writes.append(gql(client, LOG, {"input": run}))
    bodies = await asyncio.gather(*writes)
    failed = [b for b in bodies if "errors" in b]
    assert failed == [], f"{len(failed)} of {len(bodies)} failed: {failed[:2]}"

    data = await _ok(
        client,
        """query($d: ID!) { datasetVersion(id: $d) { consumers { id } }
          registeredModel(name: "shared") { versions { name } } }""",
        d=dv,
    )
    assert len(data["registeredModel"]["versions"]) == 13
    assert len(data["datasetVersion"]["consumers"]) == 1 + 36
