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
  AND (size($dnf) = 0 OR any(conj IN $dnf WHERE all(p IN conj WHERE coalesce(
        CASE p.op
          WHEN 'EQ' THEN n[p.prop] = p.value
          WHEN 'NE' THEN n[p.prop] <> p.value
          WHEN 'LT' THEN n[p.prop] < p.value
          WHEN 'LTE' THEN n[p.prop] <= p.value
          WHEN 'GT' THEN n[p.prop] > p.value
          WHEN 'GTE' THEN n[p.prop] >= p.value
          WHEN 'IN' THEN n[p.prop] IN p.value
          WHEN 'CONTAINS' THEN n[p.prop] CONTAINS p.value
          WHEN 'STARTS_WITH' THEN n[p.prop] STARTS WITH p.value
          WHEN 'ENDS_WITH' THEN n[p.prop] ENDS WITH p.value
          WHEN 'MATCHES' THEN n[p.prop] =~ p.value
          WHEN 'HAS' THEN p.value IN n[p.prop]
          WHEN 'EXISTS' THEN n[p.prop] IS NOT NULL
        END, false) <> p.neg)))
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
