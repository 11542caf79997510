// The one entity creator (store/entities.create_tx), in one round trip: lock the parent and check
// it ($parentKind, not $archived), create an :Entity with its kind label, its numeric Kubeflow
// id from the sequence and the edge from its parent ($parentRel from domain.graph.PARENTS), record
// its created event ($events[0]) and give a new model or experiment its creator grants.
// No row when $props.parentId names no live parent of $parentKind (the caller says which fault).
// $kind, $parentKind and $parentRel are enum values, not user text.
OPTIONAL MATCH (p:Entity {id: $props.parentId})
SET p._lock = true
REMOVE p._lock
WITH p
WHERE $props.parentId IS NULL OR (p.kind = $parentKind AND coalesce(p.state, '') <> $archived)
MERGE (ks:_KubeflowSequence {name: 'ids'})
SET ks.value = coalesce(ks.value, 0) + 1
CREATE (n:Entity)
SET n = $props, n.kfId = ks.value, n.kfParentId = p.kfId
FOREACH (_ IN CASE WHEN $kind = 'RegisteredModel' THEN [1] ELSE [] END | SET n:RegisteredModel)
FOREACH (_ IN CASE WHEN $kind = 'ModelVersion' THEN [1] ELSE [] END | SET n:ModelVersion)
FOREACH (_ IN CASE WHEN $kind = 'ModelArtifact' THEN [1] ELSE [] END | SET n:ModelArtifact)
FOREACH (_ IN CASE WHEN $kind = 'DocArtifact' THEN [1] ELSE [] END | SET n:DocArtifact)
FOREACH (_ IN CASE WHEN $kind = 'Dataset' THEN [1] ELSE [] END | SET n:Dataset)
FOREACH (_ IN CASE WHEN $kind = 'DatasetVersion' THEN [1] ELSE [] END | SET n:DatasetVersion)
FOREACH (_ IN CASE WHEN $kind = 'Execution' THEN [1] ELSE [] END | SET n:Execution)
FOREACH (_ IN CASE WHEN $kind = 'Experiment' THEN [1] ELSE [] END | SET n:Experiment)
FOREACH (_ IN CASE WHEN $kind = 'ServingEnvironment' THEN [1] ELSE [] END | SET n:ServingEnvironment)
FOREACH (_ IN CASE WHEN $kind = 'Deployment' THEN [1] ELSE [] END | SET n:Deployment)
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_VERSION' THEN [1] ELSE [] END | CREATE (p)-[:HAS_VERSION]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_ARTIFACT' THEN [1] ELSE [] END | CREATE (p)-[:HAS_ARTIFACT]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_RUN' THEN [1] ELSE [] END | CREATE (p)-[:HAS_RUN]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HOSTS' THEN [1] ELSE [] END | CREATE (p)-[:HOSTS]->(n))
WITH n, [0] AS created, [n] AS createdNodes
CALL (created) {
  {{> registry/_created_events}}
}
CALL (createdNodes) {
  {{> access/_creator_grants}}
}
RETURN n {.*} AS node
