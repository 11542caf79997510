// Kubeflow REST: one page of artifacts of several kinds (model, doc, dataset version, metric,
// parameter records), filtered (DNF as in listing/page) and keyset-paginated.
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
  AND {{> listing/_filter}}
  AND {{> access/_readable}}
  AND ($afterId IS NULL OR (CASE WHEN $desc
        THEN n[$sortKey] < $afterValue OR (n[$sortKey] = $afterValue AND n.id < $afterId)
        ELSE n[$sortKey] > $afterValue OR (n[$sortKey] = $afterValue AND n.id > $afterId) END))
RETURN n {.*, kind: kind} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
