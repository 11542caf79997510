// What an MLflow import left, without ids and times (tests compare a resumed import with a clean
// one): every imported entity with its properties, its outgoing edges by the other end's
// externalId, and its metric history.
MATCH (n:Entity)
WHERE n.externalId STARTS WITH $externalIdPrefix
OPTIONAL MATCH (n)-[r]->(m:Entity)
WITH n, collect(type(r) + ' ' + coalesce(r.role, '') + ' ' + coalesce(m.externalId, m.name)) AS edges
OPTIONAL MATCH (n)-[:HAS_METRIC]->(pt:MetricPoint)
WITH n, edges, collect(CASE WHEN pt IS NULL THEN null ELSE [pt.key, pt.step, pt.timestamp, pt.value] END) AS points
OPTIONAL MATCH (n)-[:HAS_TRANSITION]->(st:StageTransition)
WITH n, edges, points, collect(st.fromStage + '>' + st.toStage) AS transitions
OPTIONAL MATCH (n)-[:HAS_ALIAS]->(al:AliasAssignment)-[:POINTS_TO]->(v:Entity)
WHERE al.until IS NULL
WITH n, edges, points, transitions, collect(al.alias + '>' + v.externalId) AS aliases
RETURN n.externalId AS externalId, edges, points, transitions, aliases,
  [k IN keys(n) WHERE NOT k IN ['id', 'createdAt', 'updatedAt', 'kfId', 'kfParentId', 'parentId']
    | [k, n[k]]] AS properties
ORDER BY externalId
