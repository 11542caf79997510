// Kubeflow REST: make version $versionKfId the one a Deployment serves (or none), keeping
// history: open DEPLOYED_AS edges of other versions are closed, a new one carries a serve record.
MATCH (d:Entity:Deployment {id: $deploymentId})
CALL (d) {
  OPTIONAL MATCH (old:ModelVersion)-[cur:DEPLOYED_AS]->(d)
  WHERE cur.until IS NULL AND ($versionKfId IS NULL OR old.kfId <> $versionKfId OR NOT $serving)
  SET cur.until = $now
  RETURN count(cur) AS closed
}
CALL (d) {
  OPTIONAL MATCH (v:ModelVersion {kfId: $versionKfId})
  WHERE $serving AND NOT EXISTS { MATCH (v)-[c:DEPLOYED_AS]->(d) WHERE c.until IS NULL }
  FOREACH (_ IN CASE WHEN v IS NULL THEN [] ELSE [1] END |
    CREATE (v)-[:DEPLOYED_AS {id: $recordId, kfId: $kfId, name: $recordId, since: $now, by: $by,
      createdAt: $now, updatedAt: $now, lastKnownState: 'RUNNING'}]->(d))
  RETURN count(v) AS opened
}
RETURN closed, opened
