// DEPLOYED_AS history for a batch of versions (DataLoader), newest first.
UNWIND $versionIds AS vid
MATCH (:ModelVersion {id: vid})-[r:DEPLOYED_AS]->(d:Deployment)
RETURN vid AS ownerId, r {.*, versionId: vid, deploymentId: d.id} AS item
ORDER BY r.since DESC
