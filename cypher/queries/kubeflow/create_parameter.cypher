// Kubeflow REST: a parameter artifact is a Parameter record; its owner keeps hp.<key>.
OPTIONAL MATCH (o:Entity {id: $ownerId})
CREATE (n:Parameter)
SET n += $props
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
  CREATE (o)-[:HAS_PARAMETER]->(n)
  SET o += $ownerProps)
RETURN n {.*} AS node
