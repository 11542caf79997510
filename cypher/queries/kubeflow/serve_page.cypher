// Kubeflow REST: one page of an InferenceService's serve-model records (its DEPLOYED_AS edges),
// filtered (DNF as in listing/page) and keyset-paginated on edge properties.
MATCH (v:ModelVersion)-[n:DEPLOYED_AS]->(:Entity:Deployment {id: $deploymentId})
WHERE (size($dnf) = 0 OR any(conj IN $dnf WHERE all(p IN conj WHERE coalesce(
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
RETURN n {.*, modelVersionKfId: v.kfId} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
