"""Deploying model versions to serving environments, with DEPLOYED_AS history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import AsyncManagedTransaction

from modelgraph.domain.access import Action
from modelgraph.domain.errors import Conflict, FailedPrecondition, NotFound
from modelgraph.domain.events import EventType
from modelgraph.domain.graph import Label, actor_id, check_server_fields, require_live
from modelgraph.domain.ids import new_id, now_ms
from modelgraph.domain.principal import Principal
from modelgraph.domain.registry import DeploymentStatus, Stage
from modelgraph.store import access, entities, events
from modelgraph.store.cypher import query
from modelgraph.store.db import Database, Record

_DEPLOY = query("registry/deploy")
_UNDEPLOY = query("registry/undeploy")
_BY_VERSION = query("registry/deployments_by_version")
_BY_DEPLOYMENT = query("registry/deployments_by_deployment")

# Kubeflow's desiredState follows the contract's status, whichever face deployed.
_SERVING = {"status": DeploymentStatus.RUNNING.value, "desiredState": "DEPLOYED"}
_STOPPED = {"status": DeploymentStatus.STOPPED.value, "desiredState": "UNDEPLOYED"}


async def deploy_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    deployment_id: str,
    version_id: str,
    *,
    actor: Principal,
    props: Mapping[str, Any] | None = None,
    edge: Mapping[str, Any] | None = None,
) -> tuple[Record, Record]:
    """The one writer that makes a version serve a deployment; returns (deployment, open edge).

    Re-deploying the version already served adds no history; ``edge`` holds extra serve-record
    properties (Kubeflow's name, description, lastKnownState, customProperties).
    """
    # Serving a version is an edit of its model (EDIT there), recorded on the deployment.
    await access.authorize_tx(db, tx, actor, Action.EDIT, version_id)
    locked = await entities.lock_tx(db, tx, [deployment_id, version_id])
    version, deployment = locked.get(version_id), locked.get(deployment_id)
    if version is None or version.get("kind") != Label.MODEL_VERSION.value:
        raise NotFound(f"no ModelVersion with id {version_id!r}", field="versionId")
    if deployment is None or deployment.get("kind") != Label.DEPLOYMENT.value:
        raise NotFound(f"no Deployment with id {deployment_id!r}", field="deploymentId")
    require_live(version, "versionId")
    if version.get("stage") == Stage.ARCHIVED.value:
        raise FailedPrecondition(
            "a version in stage ARCHIVED cannot be deployed", field="versionId"
        )
    require_live(deployment, "deploymentName")
    check_server_fields(props or {})
    record_id = new_id()
    row = await db.fetch_one(
        tx,
        "registry/deploy",
        _DEPLOY,
        deploymentId=deployment_id,
        versionId=version_id,
        props={**(props or {}), **_SERVING},
        edge={"id": record_id, "name": record_id, "lastKnownState": "RUNNING", **(edge or {})},
        at=now_ms(),
        by=actor_id(actor),
    )
    assert row is not None
    served = {"versionId": version_id, "modelId": version.get("parentId")}
    scope = [version_id, str(version.get("parentId") or "")]
    await events.record(tx, EventType.DEPLOYMENT_DEPLOYED, row["node"], actor, served, scope=scope)
    return row["node"], row["edge"]


async def undeploy_tx(
    db: Database,
    tx: AsyncManagedTransaction,
    deployment_id: str,
    *,
    actor: Principal,
    props: Mapping[str, Any] | None = None,
) -> Record:
    """The one writer that stops a deployment: its open DEPLOYED_AS edge is closed by ``actor``."""
    await access.authorize_undeploy_tx(db, tx, actor, deployment_id)
    await entities.require_tx(db, tx, deployment_id, Label.DEPLOYMENT, "deploymentId")
    row = await db.fetch_one(
        tx,
        "registry/undeploy",
        _UNDEPLOY,
        deploymentId=deployment_id,
        props={**(props or {}), **_STOPPED},
        at=now_ms(),
        by=actor_id(actor),
    )
    assert row is not None
    node: Record = row["node"]
    await events.record(tx, EventType.DEPLOYMENT_UNDEPLOYED, node, actor)
    return node


async def deploy(
    db: Database,
    version_id: str,
    environment: str,
    deployment_name: str,
    props: Mapping[str, Any],
    *,
    actor: Principal,
) -> Record:
    """Serve a version as ``deployment_name`` in ``environment`` (id or name).

    The deployment is created under the environment if missing and reused otherwise; the
    version that served it before keeps its DEPLOYED_AS edge with ``until`` set.
    """

    async def work(tx: AsyncManagedTransaction) -> Record:
        await entities.require_tx(db, tx, version_id, Label.MODEL_VERSION, "versionId")
        env = await entities.get_tx(db, tx, environment)
        if env is None or env.get("kind") != Label.SERVING_ENVIRONMENT.value:
            env = await entities.get_by_name_tx(db, tx, Label.SERVING_ENVIRONMENT, environment)
        if env is None:
            raise NotFound(f"no serving environment {environment!r}", field="servingEnvironment")
        require_live(env, "servingEnvironment")
        existing = await entities.get_by_name_tx(
            db, tx, Label.DEPLOYMENT, deployment_name, env["name"]
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
        node, _ = await deploy_tx(db, tx, existing["id"], version_id, actor=actor, props=props)
        return node

    try:
        return await db.write(work)
    except Conflict:
        # A concurrent deploy may have created the deployment first: retry once, reusing it.
        return await db.write(work)


async def undeploy(db: Database, deployment_id: str, *, actor: Principal) -> Record:
    """Stop a deployment in its own transaction."""

    async def work(tx: AsyncManagedTransaction) -> Record:
        return await undeploy_tx(db, tx, deployment_id, actor=actor)

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
