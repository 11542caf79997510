// Outbox: append one event (store/events.record) through the one outbox writer (events/_append);
// the sequence node's write lock is held to commit, so seq order is commit order and a cursor
// never skips an event that commits later.
WITH [{
  type: $type, entityId: $entityId, entityKind: $entityKind, scopeIds: $scopeIds,
  payload: $payload, targetWebhookId: $targetWebhookId
}] AS appended
CALL (appended) {
  {{> events/_append}}
}
RETURN lastSeq AS seq
