// The one closer of DEPLOYED_AS edges (store/serving.undeploy_tx): the deployment stops serving;
// its open edge gets `until` and who closed it. History is never deleted.
MATCH (d:Entity:Deployment {id: $deploymentId})
SET d += $props, d.updatedBy = $by,
    d.updatedAt = CASE WHEN d.updatedAt >= $at THEN d.updatedAt + 1 ELSE $at END
WITH d
OPTIONAL MATCH (:ModelVersion)-[cur:DEPLOYED_AS]->(d)
WHERE cur.until IS NULL
SET cur.until = $at, cur.closedBy = $by, cur.updatedAt = $at
WITH DISTINCT d
RETURN d {.*} AS node
