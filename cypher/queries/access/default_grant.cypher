// A new model or experiment gets the configured default permission for everyone (READ unless set).
OPTIONAL MATCH (c:AccessSettings {key: 'default'})
WITH coalesce(c.defaultPermission, 'READ') AS permission
WHERE permission <> 'NONE'
MATCH (s:Entity {id: $resourceId})
MERGE (g:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone})
SET g.permission = permission, g.grantedBy = $by, g.grantedAt = $at
RETURN g {.*} AS grant
