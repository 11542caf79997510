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
RETURN n {.*, kind: kind, experimentRunId: CASE WHEN o:Execution THEN o.kfId END,
  experimentId: e.kfId} AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
