// Kubeflow REST: one page of entities of one kind, as listing/page but ordered by any of
// createdAt, updatedAt or kfId (the numeric Kubeflow id). Runs outside any experiment are not
// Kubeflow experiment runs (ExperimentRun requires experimentId) and are left out.
MATCH (n:Entity {kind: $kind})
WHERE ($parentId IS NULL OR n.parentId = $parentId)
  AND (n.kind <> 'Execution' OR n.parentId IS NOT NULL)
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
