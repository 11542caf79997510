// Kubeflow REST: one page of entities of one kind, as listing/page but ordered by any of
// createdAt, updatedAt or kfId (the numeric Kubeflow id). Runs outside any experiment are not
// Kubeflow experiment runs (ExperimentRun requires experimentId) and are left out.
MATCH (n:Entity {kind: $kind})
WHERE ($parentId IS NULL OR n.parentId = $parentId)
  AND (n.kind <> 'Execution' OR n.parentId IS NOT NULL)
  AND ($states IS NULL OR n.state IN $states)
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
RETURN n {.*} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
