// Fragment: the grants a new model or experiment gets, as access.grant_creator_tx gives them:
// MANAGE for the loading principal and, for everyone, the configured default permission (READ
// unless set; with NONE there is no everyone grant and the node is :ReadRestricted). Only the rows
// at indexes `created` (new nodes), so a reload keeps grants changed since; other kinds: nothing.
WITH created WHERE size(created) > 0 AND $kind IN ['RegisteredModel', 'Experiment']
OPTIONAL MATCH (c:AccessSettings {key: 'default'})
WITH created, coalesce(c.defaultPermission, 'READ') AS permission
UNWIND created AS i
MATCH (s:Entity {id: $rows[i].id})
MERGE (m:AccessGrant {resourceId: s.id, subjectType: 'USER', subject: $principal})
SET m.permission = 'MANAGE', m.grantedBy = $principal, m.grantedAt = $at
FOREACH (_ IN CASE WHEN permission = 'NONE' THEN [1] ELSE [] END | SET s:ReadRestricted)
WITH s, permission WHERE permission <> 'NONE'
MERGE (g:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone})
SET g.permission = permission, g.grantedBy = $principal, g.grantedAt = $at
RETURN count(*) AS granted
