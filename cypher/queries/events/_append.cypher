// Fragment: append the events in `appended` (maps: type, entityId, entityKind, scopeIds, payload)
// to the outbox by $principal at $at, numbered from one block of the outbox sequence
// (store/events.py); nothing when `appended` is empty. The one creator (registry/create_entity),
// the one updater (registry/update), the bulk loader (bulk/nodes) and events/record_many write
// their events through it, so every batched writer records the same event shape.
WITH appended WHERE size(appended) > 0
MERGE (q:_EventSequence {name: 'events'})
WITH q, coalesce(q.value, 0) AS seqBase, appended
SET q.value = seqBase + size(appended)
WITH seqBase, appended
UNWIND range(0, size(appended) - 1) AS j
WITH seqBase + j + 1 AS seq, appended[j] AS ev
CREATE (:_Event {
  id: randomUUID(), seq: seq, type: ev.type, entityId: ev.entityId, entityKind: ev.entityKind,
  scopeIds: ev.scopeIds, principal: $principal, at: $at, payload: ev.payload,
  targetWebhookId: null
})
RETURN count(*) AS recorded
