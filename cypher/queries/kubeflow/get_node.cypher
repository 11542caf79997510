// Kubeflow REST: one entity, metric record or parameter record by its Kubeflow id (kfId),
// if its kind is in $kinds.
CALL () {
  MATCH (n:Entity {kfId: $kfId}) WHERE n.kind IN $kinds RETURN n
  UNION
  MATCH (n:MetricPoint {kfId: $kfId}) WHERE 'MetricPoint' IN $kinds RETURN n
  UNION
  MATCH (n:Parameter {kfId: $kfId}) WHERE 'Parameter' IN $kinds RETURN n
}
RETURN n {.*} AS node
LIMIT 1
