// Kubeflow REST: one entity, metric record or parameter record by its Kubeflow id (kfId),
// if its kind is in $kinds. A run outside any experiment is not a Kubeflow experiment run
// (ExperimentRun requires experimentId), so REST does not show it.
CALL () {
  MATCH (n:Entity {kfId: $kfId})
  WHERE n.kind IN $kinds AND (n.kind <> 'Execution' OR n.parentId IS NOT NULL) RETURN n
  UNION
  MATCH (n:MetricPoint {kfId: $kfId}) WHERE 'MetricPoint' IN $kinds RETURN n
  UNION
  MATCH (n:Parameter {kfId: $kfId}) WHERE 'Parameter' IN $kinds RETURN n
}
RETURN n {.*} AS node, {{> access/_readable}} AS readable
LIMIT 1
