// Who did what: the change-event outbox, newest first, filtered by principal, entity, type, time.
MATCH (e:_Event)
WHERE e.targetWebhookId IS NULL
  AND ($principal IS NULL OR e.principal = $principal)
  AND ($entityId IS NULL OR e.entityId = $entityId)
  AND ($type IS NULL OR e.type = $type)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
RETURN e {.id, .seq, .at, .principal, .type, .entityId, .entityKind, .payload} AS event
ORDER BY e.seq DESC
LIMIT $limit
