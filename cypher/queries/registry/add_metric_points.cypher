// The one writer of metric history (store/governance.append_points_many_tx): MetricPoint records
// with their numeric Kubeflow ids, each under the owner its row names in ownerId (none when
// null). A row whose owner does not exist writes nothing and returns nothing (the caller refuses).
MERGE (s:_KubeflowSequence {name: 'ids'})
WITH s, coalesce(s.value, 0) AS base
SET s.value = base + size($points)
WITH base
UNWIND range(0, size($points) - 1) AS i
WITH $points[i] AS pt, base + i + 1 AS kfId
OPTIONAL MATCH (o:Entity {id: pt.ownerId})
WITH pt, kfId, o WHERE pt.ownerId IS NULL OR o IS NOT NULL
CREATE (n:MetricPoint)
SET n = pt, n.kfId = kfId, n.kind = 'MetricPoint', n.name = coalesce(pt.name, pt.key),
    n.createdAt = $at, n.updatedAt = $at
REMOVE n.ownerId
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (o)-[:HAS_METRIC]->(n))
RETURN pt.ownerId AS ownerId, n {.*} AS node
