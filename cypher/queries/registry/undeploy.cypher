// Stop a deployment: mark it STOPPED (taking its lock) and close its open DEPLOYED_AS edge.
MATCH (d:Entity:Deployment {id: $deploymentId})
SET d.status = 'STOPPED', d.updatedAt = $at, d.updatedBy = $by
WITH d
OPTIONAL MATCH (:ModelVersion)-[cur:DEPLOYED_AS]->(d)
WHERE cur.until IS NULL
SET cur.until = $at
WITH DISTINCT d
RETURN d {.*} AS node
