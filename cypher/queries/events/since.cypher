// Events after a cursor, oldest first, optionally filtered by type and scope.
MATCH (e:_Event)
WHERE e.seq > $after
  AND ($types IS NULL OR e.type IN $types)
  AND ($scopeId IS NULL OR $scopeId IN e.scopeIds)
  AND e.targetWebhookId IS NULL
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit
