// DEPLOYED_AS history for a batch of deployments (DataLoader), newest first.
UNWIND $deploymentIds AS did
MATCH (v:ModelVersion)-[r:DEPLOYED_AS]->(:Deployment {id: did})
RETURN did AS ownerId, r {.*, versionId: v.id, deploymentId: did} AS item
ORDER BY r.since DESC
