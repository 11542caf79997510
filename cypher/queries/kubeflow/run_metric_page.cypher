// Kubeflow REST metric_history: one page of experiment-run metric points, of one run
// ($runId, internal id) or of every run, each with its run's and experiment's Kubeflow ids
// (experimentRunId, experimentId), which filters and the response can use.
MATCH (r:Execution)-[:HAS_METRIC]->(n:MetricPoint)
WHERE n.kfId IS NOT NULL
  AND ($runId IS NULL OR r.id = $runId)
  AND ($name IS NULL OR n.key = $name)
  AND ($steps IS NULL OR n.step IN $steps)
OPTIONAL MATCH (e:Experiment)-[:HAS_RUN]->(r)
WITH n {.*, kind: 'MetricPoint', experimentRunId: r.kfId, experimentId: e.kfId} AS m
WHERE (size($dnf) = 0 OR any(conj IN $dnf WHERE all(p IN conj WHERE coalesce(
        CASE p.op
          WHEN 'EQ' THEN m[p.prop] = p.value
          WHEN 'NE' THEN m[p.prop] <> p.value
          WHEN 'LT' THEN m[p.prop] < p.value
          WHEN 'LTE' THEN m[p.prop] <= p.value
          WHEN 'GT' THEN m[p.prop] > p.value
          WHEN 'GTE' THEN m[p.prop] >= p.value
          WHEN 'IN' THEN m[p.prop] IN p.value
          WHEN 'CONTAINS' THEN m[p.prop] CONTAINS p.value
          WHEN 'STARTS_WITH' THEN m[p.prop] STARTS WITH p.value
          WHEN 'ENDS_WITH' THEN m[p.prop] ENDS WITH p.value
          WHEN 'MATCHES' THEN m[p.prop] =~ p.value
          WHEN 'HAS' THEN p.value IN m[p.prop]
          WHEN 'EXISTS' THEN m[p.prop] IS NOT NULL
        END, false) <> p.neg)))
  AND ($afterId IS NULL OR (CASE WHEN $desc
        THEN m[$sortKey] < $afterValue OR (m[$sortKey] = $afterValue AND m.id < $afterId)
        ELSE m[$sortKey] > $afterValue OR (m[$sortKey] = $afterValue AND m.id > $afterId) END))
RETURN m AS node
ORDER BY
  CASE WHEN $desc THEN m[$sortKey] END DESC,
  CASE WHEN $desc THEN m.id END DESC,
  CASE WHEN NOT $desc THEN m[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN m.id END ASC
LIMIT $limit
