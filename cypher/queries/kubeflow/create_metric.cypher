// Kubeflow REST: a metric artifact is a MetricPoint; its owner keeps the latest value as m.<key>.
OPTIONAL MATCH (o:Entity {id: $ownerId})
CREATE (n:MetricPoint)
SET n += $props
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:HAS_METRIC]->(n)
  SET o += $ownerProps)
RETURN n {.*} AS node
