// How many entities match the same scope, state and filter as listing/page (no cursor).
MATCH (n:Entity {kind: $kind})
WHERE ($parentId IS NULL OR n.parentId = $parentId)
  AND ($states IS NULL OR n.state IN $states)
  AND {{> listing/_filter}}
RETURN count(n) AS total
