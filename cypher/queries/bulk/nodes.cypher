// Bulk load (store/bulk.load_nodes): entities of kind $kind from full property maps stamped by
// domain.graph.stamp_new; idempotent on id. Each new node takes a numeric Kubeflow id from one
// block reserved for the chunk; a reloaded node keeps the one it has. Every node this chunk
// creates gets its created event in the same transaction, numbered from one block of the outbox
// sequence (store/events.py), so bulk loads keep "no change without its event" at one round trip.
// The events and grants are the fragments registry/create_entity uses, so both write the same.
MERGE (s:_KubeflowSequence {name: 'ids'})
WITH s, coalesce(s.value, 0) AS base
SET s.value = base + size($rows)
WITH base
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row, base + i + 1 AS kfId
MERGE (n:Entity {id: row.id})
WITH i, n, row, kfId, n.kfId AS kept
SET n += row, n.kind = $kind, n.kfId = coalesce(kept, kfId)
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
WITH count(n) AS written, collect(CASE WHEN kept IS NULL THEN i END) AS created,
     collect(CASE WHEN kept IS NULL THEN n END) AS createdNodes
CALL (created) {
  {{> registry/_created_events}}
}
CALL (createdNodes) {
  {{> access/_creator_grants}}
}
RETURN written
