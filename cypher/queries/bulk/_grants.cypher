// Fragment: the grants a new model or experiment gets, as access.grant_creator_tx gives them:
// MANAGE for the loading principal and, for everyone, the configured default permission (READ
// unless set; none when NONE). Only the rows at indexes `created` (new nodes), so a reload keeps
// grants changed since; nothing for other kinds.
WITH created WHERE size(created) > 0 AND $kind IN ['RegisteredModel', 'Experiment']
OPTIONAL MATCH (c:AccessSettings {key: 'default'})
WITH created, coalesce(c.defaultPermission, 'READ') AS permission
UNWIND created AS i
WITH $rows[i].id AS resourceId, permission
MERGE (m:AccessGrant {resourceId: resourceId, subjectType: 'USER', subject: $principal})
SET m.permission = 'MANAGE', m.grantedBy = $principal, m.grantedAt = $at
WITH resourceId, permission WHERE permission <> 'NONE'
MERGE (g:AccessGrant {resourceId: resourceId, subjectType: 'GROUP', subject: $everyone})
SET g.permission = permission, g.grantedBy = $principal, g.grantedAt = $at
RETURN count(*) AS granted
