// Kubeflow REST metric_history: one page of experiment-run metric points, of one run
// ($runId, internal id) or of every run, each with its run's and experiment's Kubeflow ids
// (experimentRunId, experimentId), which filters and the response can use.
MATCH (r:Execution)-[:HAS_METRIC]->(n:MetricPoint)
WHERE n.kfId IS NOT NULL
  AND {{> access/_readable}}
  AND ($runId IS NULL OR r.id = $runId)
  AND ($name IS NULL OR n.key = $name)
  AND ($steps IS NULL OR n.step IN $steps)
OPTIONAL MATCH (e:Experiment)-[:HAS_RUN]->(r)
WITH n {.*, kind: 'MetricPoint', experimentRunId: r.kfId, experimentId: e.kfId} AS n
WHERE {{> listing/_filter}}
  AND ($afterId IS NULL OR (CASE WHEN $desc
        THEN n[$sortKey] < $afterValue OR (n[$sortKey] = $afterValue AND n.id < $afterId)
        ELSE n[$sortKey] > $afterValue OR (n[$sortKey] = $afterValue AND n.id > $afterId) END))
RETURN n AS node
ORDER BY
  CASE WHEN $desc THEN n[$sortKey] END DESC,
  CASE WHEN $desc THEN n.id END DESC,
  CASE WHEN NOT $desc THEN n[$sortKey] END ASC,
  CASE WHEN NOT $desc THEN n.id END ASC
LIMIT $limit
