// The one entity creator (store/entities.create_many_tx): any number of new entities in one round
// trip, each row {props, parentRel} (props stamped by domain.graph.stamp_new; parentRel from
// domain.graph.PARENTS, an enum value or null). Each row's parent is locked (an archive cannot
// slip in between its check and the create), each node created with its kind label, a numeric
// Kubeflow id from one block of the sequence and the edge from its parent; the created events
// ($events, one per row, in row order) and a new model's or experiment's creator grants are
// written by the fragments the bulk loader uses too. Every row comes back with its parent's kind
// and state: the caller refuses a wrong or archived parent (domain.graph.require_live), which
// rolls it all back. A row whose props.parentId names no node is not created and not returned.
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row
OPTIONAL MATCH (p:Entity {id: row.props.parentId})
WITH i, row, p WHERE row.props.parentId IS NULL OR p IS NOT NULL
SET p._lock = true
REMOVE p._lock
WITH collect({i: i, row: row, p: p}) AS todo
MERGE (ks:_KubeflowSequence {name: 'ids'})
WITH ks, coalesce(ks.value, 0) AS base, todo
SET ks.value = base + size(todo)
WITH base, todo
UNWIND range(0, size(todo) - 1) AS j
WITH todo[j].i AS i, todo[j].row AS row, todo[j].p AS p, base + j + 1 AS kfId
CREATE (n:Entity)
SET n = row.props, n.kfId = kfId, n.kfParentId = p.kfId
WITH i, row, p, n, row.props.kind AS kind
{{> registry/_kind_label}}
FOREACH (_ IN CASE WHEN row.parentRel = 'HAS_VERSION' THEN [1] ELSE [] END | CREATE (p)-[:HAS_VERSION]->(n))
FOREACH (_ IN CASE WHEN row.parentRel = 'HAS_ARTIFACT' THEN [1] ELSE [] END | CREATE (p)-[:HAS_ARTIFACT]->(n))
FOREACH (_ IN CASE WHEN row.parentRel = 'HAS_RUN' THEN [1] ELSE [] END | CREATE (p)-[:HAS_RUN]->(n))
FOREACH (_ IN CASE WHEN row.parentRel = 'HOSTS' THEN [1] ELSE [] END | CREATE (p)-[:HOSTS]->(n))
WITH collect($events[i]) AS appended, collect(n) AS createdNodes,
     collect({i: i, node: n {.*}, parent: p {.kind, .state, .name}}) AS made
CALL (appended) {
  {{> events/_append}}
}
CALL (createdNodes) {
  {{> access/_creator_grants}}
}
UNWIND made AS m
RETURN m.i AS i, m.node AS node, m.parent AS parent
