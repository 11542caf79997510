// Bulk load: (version)-[:DEPLOYED_AS]->(deployment) history edges, one per `since`, shaped as
// serving.deploy_tx writes them (Kubeflow serve-record fields, kfId from a block per chunk);
// the deployment of an open edge keeps the Kubeflow ids of what it serves. Idempotent.
MERGE (s:_KubeflowSequence {name: 'ids'})
WITH s, coalesce(s.value, 0) AS base
SET s.value = base + size($rows)
WITH base
UNWIND range(0, size($rows) - 1) AS i
WITH $rows[i] AS row, base + i + 1 AS kfId
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:DEPLOYED_AS {since: row.since}]->(b)
ON CREATE SET r.id = row.id, r.name = row.id, r.kfId = kfId, r.createdAt = row.since,
  r.lastKnownState = 'RUNNING'
SET r.until = row.until, r.by = row.by, r.closedBy = row.closedBy,
    r.updatedAt = coalesce(row.until, row.since)
FOREACH (_ IN CASE WHEN row.until IS NULL THEN [1] ELSE [] END |
  SET b.modelVersionId = toString(a.kfId), b.registeredModelId = toString(a.kfParentId))
RETURN count(r) AS written
