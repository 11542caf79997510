// Kubeflow REST: a serve-model record is a DEPLOYED_AS edge; it becomes the current one and
// closes any open edge into the Deployment (history is kept).
MATCH (d:Entity:Deployment {id: $deploymentId})
// Take the deployment's lock first so concurrent serves take turns.
SET d.updatedAt = $now
WITH d
MATCH (v:ModelVersion {kfId: $versionKfId})
CALL (d) {
  OPTIONAL MATCH (:ModelVersion)-[cur:DEPLOYED_AS]->(d)
  WHERE cur.until IS NULL
  SET cur.until = $now
  RETURN count(cur) AS closed
}
CREATE (v)-[r:DEPLOYED_AS]->(d)
SET r += $props, r.since = $now, r.by = $by
RETURN r {.*, modelVersionKfId: v.kfId} AS node
