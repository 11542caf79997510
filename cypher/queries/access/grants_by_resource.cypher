// Grants of many resources.
MATCH (g:AccessGrant)
WHERE g.resourceId IN $resourceIds
RETURN g.resourceId AS resourceId, g {.*} AS grant
ORDER BY g.subjectType, g.subject
