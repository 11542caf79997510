// Outbox: append the events $events (type, entityId, entityKind, scopeIds, payload) in one round
// trip (store/events.record_many), numbered in list order.
WITH $events AS appended
CALL (appended) {
  {{> events/_append}}
}
RETURN lastSeq
