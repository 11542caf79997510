// Fan out events after the dispatch cursor to every matching active webhook, then advance it.
// MERGE on the unique delivery key makes concurrent dispatchers (several workers) safe.
MERGE (c:_OutboxCursor {name: 'webhooks'})
ON CREATE SET c.seq = 0
WITH c
MATCH (e:_Event)
WHERE e.seq > c.seq
WITH c, e
ORDER BY e.seq
LIMIT $limit
WITH c, collect(e) AS events
CALL (events) {
  UNWIND events AS e
  MATCH (w:_Webhook {active: true})
  WHERE e.seq > w.fromSeq
    AND (e.targetWebhookId IS NULL OR e.targetWebhookId = w.id)
    AND (size(w.eventTypes) = 0 OR e.type IN w.eventTypes)
    AND (w.scopeId IS NULL OR w.scopeId IN e.scopeIds)
  MERGE (d:_Delivery {key: w.id + ':' + toString(e.seq)})
  ON CREATE SET d.id = randomUUID(), d.webhookId = w.id, d.eventId = e.id, d.eventSeq = e.seq,
    d.eventType = e.type, d.orderKey = e.entityId, d.status = 'PENDING', d.attempts = 0,
    d.createdAt = $now, d.nextAttemptAt = $now
  RETURN count(d) AS created
}
WITH c, events, created
SET c.seq = CASE WHEN size(events) = 0 THEN c.seq
                 ELSE reduce(m = c.seq, e IN events | CASE WHEN e.seq > m THEN e.seq ELSE m END) END
RETURN size(events) AS events, created
