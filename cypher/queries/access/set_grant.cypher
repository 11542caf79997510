// Grant (or change) one subject's permission on a registered model or experiment.
MATCH (s:Entity {id: $resourceId})
WHERE s:RegisteredModel OR s:Experiment
MERGE (g:AccessGrant {resourceId: s.id, subjectType: $subjectType, subject: $subject})
SET g.permission = $permission, g.grantedBy = $by, g.grantedAt = $at
RETURN g {.*} AS grant
