// Kubeflow REST find endpoints: entities of one kind by name, externalId and parent id
// (runs outside any experiment are not Kubeflow experiment runs).
MATCH (n:Entity {kind: $kind})
WHERE (n.kind <> 'Execution' OR n.parentId IS NOT NULL)
  AND ($name IS NULL OR n.name = $name)
  AND ($externalId IS NULL OR n.externalId = $externalId)
  AND ($parentId IS NULL OR n.parentId = $parentId)
RETURN n {.*} AS node, {{> access/_readable}} AS readable
ORDER BY n.id
LIMIT 2
