// Events after a cursor, oldest first, optionally filtered by type and scope, and only those the
// caller may read: none of its scopes is a model/experiment closed to the caller, and its entity
// (when it still exists) passes the same read rule as every list (access/_readable).
MATCH (e:_Event)
WHERE e.seq > $after
  AND ($types IS NULL OR e.type IN $types)
  AND ($scopeId IS NULL OR $scopeId IN e.scopeIds)
  AND e.targetWebhookId IS NULL
  AND ($readAll OR NONE(s IN e.scopeIds WHERE s IN $hiddenScopes))
OPTIONAL MATCH (n:Entity {id: e.entityId})
WITH e, n
WHERE n IS NULL OR {{> access/_readable}}
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit
