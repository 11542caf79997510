// Remove one subject's grant on a resource.
MATCH (g:AccessGrant {resourceId: $resourceId, subjectType: $subjectType, subject: $subject})
WITH g, g {.*} AS grant
DELETE g
RETURN grant
