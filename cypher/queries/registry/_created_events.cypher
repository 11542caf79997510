// Fragment: the created events of new entities, at indexes `created` of $events (type, entityId,
// entityKind, scopeIds, payload: store/events.created_row), numbered from one block of the outbox
// sequence (store/events.py); nothing when `created` is empty. Used by registry/create_entity and
// bulk/nodes, so a create and a bulk load record the same event.
WITH created WHERE size(created) > 0
MERGE (q:_EventSequence {name: 'events'})
WITH q, coalesce(q.value, 0) AS seqBase, created
SET q.value = seqBase + size(created)
WITH seqBase, created
UNWIND range(0, size(created) - 1) AS j
WITH seqBase + j + 1 AS seq, $events[created[j]] AS ev
CREATE (:_Event {
  id: randomUUID(), seq: seq, type: ev.type, entityId: ev.entityId, entityKind: ev.entityKind,
  scopeIds: ev.scopeIds, principal: $principal, at: $at, payload: ev.payload,
  targetWebhookId: null
})
RETURN count(*) AS recorded
