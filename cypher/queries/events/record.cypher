// Outbox: append one event; the sequence node's write lock is held to commit, so seq order is
// commit order and a cursor never skips an event that commits later.
MERGE (s:_EventSequence {name: 'events'})
SET s.value = coalesce(s.value, 0) + 1
CREATE (e:_Event {
  id: $id, seq: s.value, type: $type, entityId: $entityId, entityKind: $entityKind,
  scopeIds: $scopeIds, principal: $principal, at: $at, payload: $payload,
  targetWebhookId: $targetWebhookId
})
RETURN e.seq AS seq
