// Serve a version on a deployment: close whatever version served it, open a new DEPLOYED_AS edge.
// The deployment is written first so concurrent deploys to it serialise on its lock.
MATCH (d:Entity:Deployment {id: $deploymentId})
MATCH (v:Entity:ModelVersion {id: $versionId})
SET d += $props
WITH d, v
OPTIONAL MATCH (:ModelVersion)-[cur:DEPLOYED_AS]->(d)
WHERE cur.until IS NULL
SET cur.until = $at
WITH DISTINCT d, v
CREATE (v)-[:DEPLOYED_AS {since: $at, until: null, by: $by}]->(d)
RETURN d {.*} AS node
