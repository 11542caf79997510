// Fragment: the grants a new model or experiment gets (the one copy of the rule; used by
// registry/create_entity and bulk/nodes): MANAGE for its creator $principal and, for everyone,
// the configured default permission (READ unless set; with NONE there is no everyone grant and
// the node is :ReadRestricted). Only the new models and experiments in `createdNodes`.
WITH [s IN createdNodes WHERE s.kind IN ['RegisteredModel', 'Experiment']] AS scopes
WHERE size(scopes) > 0
OPTIONAL MATCH (c:AccessSettings {key: 'default'})
WITH scopes, coalesce(c.defaultPermission, 'READ') AS permission
UNWIND scopes AS s
MERGE (m:AccessGrant {resourceId: s.id, subjectType: 'USER', subject: $principal})
SET m.permission = 'MANAGE', m.grantedBy = $principal, m.grantedAt = $at
FOREACH (_ IN CASE WHEN permission = 'NONE' THEN [1] ELSE [] END | SET s:ReadRestricted)
WITH s, permission WHERE permission <> 'NONE'
MERGE (g:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone})
SET g.permission = permission, g.grantedBy = $principal, g.grantedAt = $at
RETURN count(*) AS granted
