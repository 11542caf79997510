// Kubeflow REST: one new entity with its kind label, linked under its parent when it has one.
// $kind is a domain Label value; $parentRel is a fixed relationship name chosen in Python.
CREATE (n:Entity {id: $props.id})
SET n += $props
FOREACH (_ IN CASE WHEN $kind = 'RegisteredModel' THEN [1] ELSE [] END | SET n:RegisteredModel)
FOREACH (_ IN CASE WHEN $kind = 'ModelVersion' THEN [1] ELSE [] END |
  SET n:ModelVersion, n.stage = coalesce(n.stage, 'DEVELOPMENT'))
FOREACH (_ IN CASE WHEN $kind = 'ModelArtifact' THEN [1] ELSE [] END | SET n:ModelArtifact)
FOREACH (_ IN CASE WHEN $kind = 'DocArtifact' THEN [1] ELSE [] END | SET n:DocArtifact)
FOREACH (_ IN CASE WHEN $kind = 'Dataset' THEN [1] ELSE [] END | SET n:Dataset)
FOREACH (_ IN CASE WHEN $kind = 'DatasetVersion' THEN [1] ELSE [] END | SET n:DatasetVersion)
FOREACH (_ IN CASE WHEN $kind = 'Execution' THEN [1] ELSE [] END | SET n:Execution)
FOREACH (_ IN CASE WHEN $kind = 'Experiment' THEN [1] ELSE [] END | SET n:Experiment)
FOREACH (_ IN CASE WHEN $kind = 'ServingEnvironment' THEN [1] ELSE [] END | SET n:ServingEnvironment)
FOREACH (_ IN CASE WHEN $kind = 'Deployment' THEN [1] ELSE [] END | SET n:Deployment)
WITH n
OPTIONAL MATCH (p:Entity {id: n.parentId})
FOREACH (_ IN CASE WHEN p IS NOT NULL AND $parentRel = 'HAS_VERSION' THEN [1] ELSE [] END |
  CREATE (p)-[:HAS_VERSION]->(n))
FOREACH (_ IN CASE WHEN p IS NOT NULL AND $parentRel = 'HAS_ARTIFACT' THEN [1] ELSE [] END |
  CREATE (p)-[:HAS_ARTIFACT]->(n))
FOREACH (_ IN CASE WHEN p IS NOT NULL AND $parentRel = 'HOSTS' THEN [1] ELSE [] END |
  CREATE (p)-[:HOSTS]->(n))
FOREACH (_ IN CASE WHEN p IS NOT NULL AND $parentRel = 'HAS_RUN' THEN [1] ELSE [] END |
  CREATE (p)-[:HAS_RUN]->(n))
RETURN n {.*} AS node
