// The one entity creator (store/entities.create_tx), in one round trip: lock the parent, create
// an :Entity with its kind label, its numeric Kubeflow id from the sequence and the edge from its
// parent ($parentRel from domain.graph.PARENTS), record its created event ($events[0]) and give a
// new model or experiment its creator grants. The parent's kind and state come back with the node:
// the caller refuses a wrong or archived parent (domain.graph.require_live), which rolls it all
// back. No row when $props.parentId names no node; $kind and $parentRel are enum values.
OPTIONAL MATCH (p:Entity {id: $props.parentId})
WITH p WHERE $props.parentId IS NULL OR p IS NOT NULL
SET p._lock = true
REMOVE p._lock
WITH p
MERGE (ks:_KubeflowSequence {name: 'ids'})
SET ks.value = coalesce(ks.value, 0) + 1
CREATE (n:Entity)
SET n = $props, n.kfId = ks.value, n.kfParentId = p.kfId
{{> registry/_kind_label}}
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_VERSION' THEN [1] ELSE [] END | CREATE (p)-[:HAS_VERSION]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_ARTIFACT' THEN [1] ELSE [] END | CREATE (p)-[:HAS_ARTIFACT]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HAS_RUN' THEN [1] ELSE [] END | CREATE (p)-[:HAS_RUN]->(n))
FOREACH (_ IN CASE WHEN $parentRel = 'HOSTS' THEN [1] ELSE [] END | CREATE (p)-[:HOSTS]->(n))
WITH n, p, [0] AS created, [n] AS createdNodes
CALL (created) {
  {{> registry/_created_events}}
}
CALL (createdNodes) {
  {{> access/_creator_grants}}
}
RETURN n {.*} AS node, p {.kind, .state, .name} AS parent
