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
WITH i, n, kept, $kind AS kind
{{> registry/_kind_label}}
WITH count(n) AS written, collect(CASE WHEN kept IS NULL THEN i END) AS created,
     collect(CASE WHEN kept IS NULL THEN n END) AS createdNodes
WITH written, [k IN created | $events[k]] AS appended, createdNodes
CALL (appended) {
  {{> events/_append}}
}
CALL (createdNodes) {
  {{> access/_creator_grants}}
}
RETURN written
