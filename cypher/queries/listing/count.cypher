// How many entities the caller may read match the same scope, state and filter as listing/page.
MATCH (n:Entity {kind: $kind})
WHERE ($parentId IS NULL OR n.parentId = $parentId)
  AND ($states IS NULL OR n.state IN $states)
  AND {{> listing/_filter}}
  AND {{> access/_readable}}
RETURN count(n) AS total
