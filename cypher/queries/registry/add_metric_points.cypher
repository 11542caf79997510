// The one writer of metric history (store/governance.append_points_tx): MetricPoint records with
// their numeric Kubeflow ids, under their owner when $ownerId is set (no row if it names nothing).
OPTIONAL MATCH (o:Entity {id: $ownerId})
WITH o WHERE $ownerId IS NULL OR o IS NOT NULL
MERGE (s:_KubeflowSequence {name: 'ids'})
WITH o, s, coalesce(s.value, 0) AS base
SET s.value = base + size($points)
WITH o, base
UNWIND range(0, size($points) - 1) AS i
WITH o, $points[i] AS pt, base + i + 1 AS kfId
CREATE (n:MetricPoint)
SET n = pt, n.kfId = kfId, n.kind = 'MetricPoint', n.name = coalesce(pt.name, pt.key),
    n.createdAt = $at, n.updatedAt = $at
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (o)-[:HAS_METRIC]->(n))
RETURN n {.*} AS node
