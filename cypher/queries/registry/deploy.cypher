// The one opener of DEPLOYED_AS edges (store/serving.deploy_tx): version $versionId serves
// deployment $deploymentId from now on. The edge already open for that version is kept (no
// duplicate history); any other open edge is closed with who closed it. The deployment keeps the
// Kubeflow ids of what it serves. Both nodes are locked by the store before this runs.
MATCH (d:Entity:Deployment {id: $deploymentId})
MATCH (v:Entity:ModelVersion {id: $versionId})
SET d += $props, d.modelVersionId = toString(v.kfId), d.registeredModelId = toString(v.kfParentId),
    d.updatedBy = $by, d.updatedAt = CASE WHEN d.updatedAt >= $at THEN d.updatedAt + 1 ELSE $at END
WITH d, v
OPTIONAL MATCH (v)-[same:DEPLOYED_AS]->(d) WHERE same.until IS NULL
CALL (d, v, same) {
  WITH d, v, same WHERE same IS NULL
  OPTIONAL MATCH (:ModelVersion)-[cur:DEPLOYED_AS]->(d) WHERE cur.until IS NULL
  SET cur.until = $at, cur.closedBy = $by, cur.updatedAt = $at
  WITH DISTINCT d, v
  MERGE (s:_KubeflowSequence {name: 'ids'})
  SET s.value = coalesce(s.value, 0) + 1
  CREATE (v)-[r:DEPLOYED_AS]->(d)
  SET r = $edge, r.kfId = s.value, r.since = $at, r.until = null, r.by = $by,
      r.createdAt = $at, r.updatedAt = $at
  RETURN count(r) AS opened
}
MATCH (v)-[r:DEPLOYED_AS]->(d) WHERE r.until IS NULL
RETURN d {.*} AS node, r {.*, modelVersionKfId: v.kfId} AS edge, opened
