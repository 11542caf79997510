// DEPLOYED_AS history for a batch of deployments (DataLoader), newest first, with each version.
UNWIND $deploymentIds AS did
MATCH (v:ModelVersion)-[r:DEPLOYED_AS]->(:Entity:Deployment {id: did})
RETURN did AS ownerId, r {.*, versionId: v.id, deploymentId: did, version: v {.*}} AS item
ORDER BY r.since DESC
