// One page of entities of one kind the caller may read: scope, state, a DNF filter, keyset.
// $dnf is a list of conjunctions; each predicate is {prop, op, value, neg} (store/listing.py).
// $sortKey is one of a fixed set of property names; direction and cursor are parameters too.
MATCH (n:Entity {kind: $kind})
WHERE ($parentId IS NULL OR n.parentId = $parentId)
  AND ($states IS NULL OR n.state IN $states)
  AND {{> listing/_filter}}
  AND {{> access/_readable}}
  AND ($afterId IS NULL OR (CASE WHEN $desc
        THEN n[$sortKey] < $afterValue OR (n[$sortKey] = $afterValue AND n.id < $afterId)
        ELSE n[$sortKey] > $afterValue OR (n[$sortKey] = $afterValue AND n.id > $afterId) END))
RETURN n {.*} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
