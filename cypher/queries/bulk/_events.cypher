// Fragment: the outbox events of the rows at indexes `created` ($events[i]: type, entityId,
// entityKind, scopeIds, payload), one block of the event sequence per chunk; nothing when empty.
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
