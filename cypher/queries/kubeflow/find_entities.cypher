// Kubeflow REST find endpoints: entities of one kind by name, externalId and parent id.
MATCH (n:Entity {kind: $kind})
WHERE ($name IS NULL OR n.name = $name)
  AND ($externalId IS NULL OR n.externalId = $externalId)
  AND ($parentId IS NULL OR n.parentId = $parentId)
RETURN n {.*} AS node
ORDER BY n.id
LIMIT 2
