// Audit events, newest first, filtered by principal, entity, action and time.
MATCH (a:AuditEvent)
WHERE ($principal IS NULL OR a.principal = $principal)
  AND ($entityId IS NULL OR a.entityId = $entityId)
  AND ($action IS NULL OR a.action = $action)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at < $until)
RETURN a {.*} AS event
ORDER BY a.at DESC, a.id DESC
LIMIT $limit
