// Kubeflow REST: give numeric Kubeflow ids to entities created elsewhere (GraphQL, loaders),
// record each child's parent Kubeflow id, fill a Deployment's Kubeflow model/version fields from
// its current DEPLOYED_AS edge, and make DEPLOYED_AS edges addressable as serve-model records.
// Each part changes at most $batch items; the caller repeats until every count is 0, so a graph
// of a million nodes is backfilled in bounded transactions.
CALL () {
  MATCH (n:Entity)
  WHERE n.kfId IS NULL
  WITH n ORDER BY n.createdAt, n.id
  LIMIT $batch
  WITH collect(n) AS nodes
  WHERE size(nodes) > 0
  MERGE (s:_KubeflowSequence {name: 'ids'})
  WITH s, nodes, coalesce(s.value, 0) AS base
  SET s.value = base + size(nodes)
  WITH nodes, base
  UNWIND range(0, size(nodes) - 1) AS i
  WITH nodes[i] AS n, base + i + 1 AS kfId
  SET n.kfId = kfId
  RETURN count(n) AS assigned
}
CALL () {
  MATCH (n:Entity)
  WHERE n.parentId IS NOT NULL AND n.kfParentId IS NULL
  MATCH (p:Entity {id: n.parentId})
  WHERE p.kfId IS NOT NULL
  WITH n, p LIMIT $batch
  SET n.kfParentId = p.kfId
  RETURN count(n) AS linked
}
CALL () {
  MATCH (v:ModelVersion)-[r:DEPLOYED_AS]->(d:Deployment)
  WHERE r.until IS NULL AND d.registeredModelId IS NULL AND v.kfParentId IS NOT NULL
  WITH v, d LIMIT $batch
  SET d.modelVersionId = toString(v.kfId), d.registeredModelId = toString(v.kfParentId)
  RETURN count(d) AS filled
}
CALL () {
  MATCH (:ModelVersion)-[r:DEPLOYED_AS]->(:Deployment)
  WHERE r.kfId IS NULL
  WITH r ORDER BY r.since
  LIMIT $batch
  WITH collect(r) AS edges
  WHERE size(edges) > 0
  MERGE (s:_KubeflowSequence {name: 'ids'})
  WITH s, edges, coalesce(s.value, 0) AS base
  SET s.value = base + size(edges)
  WITH edges, base
  UNWIND range(0, size(edges) - 1) AS i
  WITH edges[i] AS r, base + i + 1 AS kfId
  SET r.kfId = kfId,
      r.id = coalesce(r.id, 'serve-' + toString(kfId)),
      r.name = coalesce(r.name, 'serve-' + toString(kfId)),
      r.createdAt = coalesce(r.createdAt, r.since),
      r.updatedAt = coalesce(r.updatedAt, r.until, r.since),
      r.lastKnownState = coalesce(r.lastKnownState, CASE WHEN r.until IS NULL THEN 'RUNNING'
        ELSE 'COMPLETE' END)
  RETURN count(r) AS served
}
RETURN assigned, linked, filled, served
