"""Deploying model versions to serving environments, with DEPLOYED_AS history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.errors import Conflict, FailedPrecondition, NotFound
from modelgraph.domain.graph import Label, State
from modelgraph.domain.ids import now_ms
from modelgraph.domain.registry import DeploymentStatus, Stage
from modelgraph.store import entities
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_DEPLOY = query("registry/deploy")
_UNDEPLOY = query("registry/undeploy")
_BY_VERSION = query("registry/deployments_by_version")
_BY_DEPLOYMENT = query("registry/deployments_by_deployment")


async def deploy(
    db: Database,
    version_id: str,
    environment: str,
    deployment_name: str,
    props: Mapping[str, Any],
    *,
    actor: str,
) -> Record:
    """Serve a version as ``deployment_name`` in ``environment`` (id or name).

    The deployment is created under the environment if missing and reused otherwise; the
    version that served it before keeps its DEPLOYED_AS edge with ``until`` set.
    """

    async def work(tx: AsyncManagedTransaction) -> Record:
        version = await entities.require_tx(db, tx, version_id, Label.MODEL_VERSION, "versionId")
        if version.get("state") == State.ARCHIVED.value:
            raise FailedPrecondition("an archived version cannot be deployed", field="versionId")
        if version.get("stage") == Stage.ARCHIVED.value:
            raise FailedPrecondition(
                "a version in stage ARCHIVED cannot be deployed", field="versionId"
            )
        env = await entities.get_tx(db, tx, environment)
        if env is None or env.get("kind") != Label.SERVING_ENVIRONMENT.value:
            env = await entities.get_by_name_tx(db, tx, Label.SERVING_ENVIRONMENT, environment)
        if env is None:
            raise NotFound(f"no serving environment {environment!r}", field="servingEnvironment")
        if env.get("state") == State.ARCHIVED.value:
            raise FailedPrecondition(
                f"serving environment {env['name']!r} is archived", field="servingEnvironment"
            )
        existing = await entities.get_by_name_tx(
            db, tx, Label.DEPLOYMENT, deployment_name, env["name"]
        )
        if existing is not None and existing.get("state") == State.ARCHIVED.value:
            raise FailedPrecondition(
                f"deployment {deployment_name!r} is archived; unarchive it first",
                field="deploymentName",
            )
        if existing is None:
            existing = await entities.create_tx(
                db,
                tx,
                Label.DEPLOYMENT,
                {"name": deployment_name},
                actor=actor,
                parent_id=env["id"],
            )
        at = now_ms()
        full = dict(props)
        full.update(status=DeploymentStatus.RUNNING.value, updatedAt=at, updatedBy=actor)
        row = await db.fetch_one(
            tx,
            "registry/deploy",
            _DEPLOY,
            deploymentId=existing["id"],
            versionId=version_id,
            at=at,
            by=actor,
            props=full,
        )
        assert row is not None
        node: Record = row["node"]
        return node

    try:
        return await db.write(work)
    except Conflict:
        # A concurrent deploy may have created the deployment first: retry once, reusing it.
        return await db.write(work)


async def undeploy(db: Database, deployment_id: str, *, actor: str) -> Record:
    """Stop a deployment: its current DEPLOYED_AS edge gets ``until``, status STOPPED."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        await entities.require_tx(db, tx, deployment_id, Label.DEPLOYMENT, "deploymentId")
        row = await db.fetch_one(
            tx, "registry/undeploy", _UNDEPLOY, deploymentId=deployment_id, at=now_ms(), by=actor
        )
        assert row is not None
        node: Record = row["node"]
        return node

    return await db.write(work)


async def history_by_version(db: Database, version_ids: list[str]) -> dict[str, list[Record]]:
    """DEPLOYED_AS edges ({since, until, by, versionId, deploymentId, deployment}), newest first."""
    return await entities.grouped_column(
        db,
        "registry/deployments_by_version",
        _BY_VERSION,
        "ownerId",
        version_ids,
        "versionIds",
        "item",
    )


async def history_by_deployment(db: Database, deployment_ids: list[str]) -> dict[str, list[Record]]:
    """DEPLOYED_AS edges ({since, until, by, versionId, deploymentId, version}), newest first."""
    return await entities.grouped_column(
        db,
        "registry/deployments_by_deployment",
        _BY_DEPLOYMENT,
        "ownerId",
        deployment_ids,
        "deploymentIds",
        "item",
    )
