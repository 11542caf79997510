// Kubeflow REST find endpoint for artifacts: by name, externalId and owning version or run.
CALL () {
  MATCH (n:ModelArtifact) RETURN n
  UNION
  MATCH (n:DocArtifact) RETURN n
  UNION
  MATCH (n:DatasetVersion) RETURN n
  UNION
  MATCH (n:MetricPoint) RETURN n
  UNION
  MATCH (n:Parameter) RETURN n
}
WITH n, CASE WHEN n:MetricPoint THEN 'MetricPoint' WHEN n:Parameter THEN 'Parameter'
  ELSE n.kind END AS kind
WHERE (n.kfId IS NOT NULL OR n:Entity) AND kind IN $kinds
  AND ($name IS NULL OR n.name = $name)
  AND ($externalId IS NULL OR n.externalId = $externalId)
  AND ($ownerId IS NULL OR EXISTS {
        MATCH (o:Entity {id: $ownerId})-[:HAS_ARTIFACT|HAS_METRIC|HAS_PARAMETER|PRODUCED]->(n) }
      OR EXISTS { MATCH (n)-[:CONSUMED_BY]->(o:Entity {id: $ownerId}) })
RETURN n {.*, kind: kind} AS node, {{> access/_readable}} AS readable
ORDER BY n.id
LIMIT 2
