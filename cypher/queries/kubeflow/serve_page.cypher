// Kubeflow REST: one page of an InferenceService's serve-model records (its DEPLOYED_AS edges),
// only those whose model version the caller may read (access/_readable, on the version), filtered
// (DNF as in listing/page, on the edge) and keyset-paginated on edge properties.
MATCH (version:ModelVersion)-[served:DEPLOYED_AS]->(:Entity:Deployment {id: $deploymentId})
WITH served, version AS n
WHERE {{> access/_readable}}
WITH n AS v, served AS n
WHERE {{> listing/_filter}}
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
