// DEPLOYED_AS history for a batch of versions (DataLoader), newest first, with each deployment.
UNWIND $versionIds AS vid
MATCH (:Entity:ModelVersion {id: vid})-[r:DEPLOYED_AS]->(d:Deployment)
RETURN vid AS ownerId, r {.*, versionId: vid, deploymentId: d.id, deployment: d {.*}} AS item
ORDER BY r.since DESC
