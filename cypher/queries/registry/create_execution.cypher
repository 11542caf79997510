// Create one Execution, under its Experiment when $props.parentId is set (checked by the store).
CREATE (n:Entity:Execution)
SET n = $props
WITH n
OPTIONAL MATCH (p:Entity:Experiment {id: $props.parentId})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (p)-[:HAS_RUN]->(n))
RETURN n {.*} AS node
