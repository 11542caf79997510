// Fragment: the grants a new model or experiment gets (the one copy of the rule; used by
// registry/create_entity and bulk/nodes): MANAGE for its creator $principal and, for everyone,
// the configured default permission (READ unless set; with NONE there is no everyone grant and
// the node is :ReadRestricted). Only the new nodes in `createdNodes`; other kinds: nothing.
WITH createdNodes WHERE size(createdNodes) > 0 AND $kind IN ['RegisteredModel', 'Experiment']
OPTIONAL MATCH (c:AccessSettings {key: 'default'})
WITH createdNodes, coalesce(c.defaultPermission, 'READ') AS permission
UNWIND createdNodes AS s
MERGE (m:AccessGrant {resourceId: s.id, subjectType: 'USER', subject: $principal})
SET m.permission = 'MANAGE', m.grantedBy = $principal, m.grantedAt = $at
FOREACH (_ IN CASE WHEN permission = 'NONE' THEN [1] ELSE [] END | SET s:ReadRestricted)
WITH s, permission WHERE permission <> 'NONE'
MERGE (g:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone})
SET g.permission = permission, g.grantedBy = $principal, g.grantedAt = $at
RETURN count(*) AS granted
