// Kubeflow REST: a parameter artifact is a Parameter record (under its owner when $ownerId is
// set); the owner's hp.<key> is written by the entity updater in the same transaction.
OPTIONAL MATCH (o:Entity {id: $ownerId})
MERGE (s:_KubeflowSequence {name: 'ids'})
SET s.value = coalesce(s.value, 0) + 1
CREATE (n:Parameter)
SET n = $props, n.kfId = s.value
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (o)-[:HAS_PARAMETER]->(n))
RETURN n {.*} AS node
