// Restricted models/experiments (no grant for everyone) on which the caller holds no grant at all.
MATCH (s:ReadRestricted)
WHERE NOT EXISTS {
  MATCH (g:AccessGrant {resourceId: s.id})
  WHERE (g.subjectType = 'USER' AND g.subject = $user) OR (g.subjectType = 'GROUP' AND g.subject IN $groups)
}
RETURN collect(s.id) AS ids
