// Kubeflow REST: one page of the artifacts attached to a model version or experiment run:
// HAS_ARTIFACT / HAS_METRIC / HAS_PARAMETER / PRODUCED out of it, CONSUMED_BY into it.
// Under a run each item also names the run and its experiment (experimentRunId, experimentId).
MATCH (o:Entity {id: $ownerId})
OPTIONAL MATCH (e:Experiment)-[:HAS_RUN]->(o)
CALL (o) {
  MATCH (o)-[:HAS_ARTIFACT|HAS_METRIC|HAS_PARAMETER|PRODUCED]->(n) RETURN n
  UNION
  MATCH (n)-[:CONSUMED_BY]->(o) RETURN n
}
WITH n, o, e, CASE WHEN n:MetricPoint THEN 'MetricPoint' WHEN n:Parameter THEN 'Parameter'
  ELSE n.kind END AS kind
WHERE (n.kfId IS NOT NULL OR n:Entity) AND kind IN $kinds
  AND {{> listing/_filter}}
  AND {{> access/_readable}}
  AND ($afterId IS NULL OR (CASE WHEN $desc
        THEN n[$sortKey] < $afterValue OR (n[$sortKey] = $afterValue AND n.id < $afterId)
        ELSE n[$sortKey] > $afterValue OR (n[$sortKey] = $afterValue AND n.id > $afterId) END))
RETURN n {.*, kind: kind, experimentRunId: CASE WHEN o:Execution THEN o.kfId END,
  experimentId: e.kfId} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
