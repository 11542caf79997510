// One entity of a kind by name, optionally under a parent named $parentName of kind $parentKind.
OPTIONAL MATCH (p:Entity {kind: $parentKind, name: $parentName})
WITH p
WHERE $parentName IS NULL OR p IS NOT NULL
MATCH (n:Entity {kind: $kind, name: $name})
WHERE ($parentName IS NULL OR n.parentId = p.id)
RETURN n {.*} AS node
LIMIT 1
