// Fragment: append the events in `appended` (maps: type, entityId, entityKind, scopeIds, payload,
// and targetWebhookId for a test delivery) to the outbox by $principal at $at, numbered from one
// block of the outbox sequence (store/events.py); `lastSeq` is the last number (null when
// `appended` is empty: nothing is written). The one creator (registry/create_entity), the one
// updater (registry/update), the bulk loader (bulk/nodes), events/record and events/record_many
// all append through it: the outbox has one writer.
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
  targetWebhookId: ev.targetWebhookId
})
RETURN max(seq) AS lastSeq
