// Kubeflow REST: apply a validated property map (nulls remove keys) to one node by id.
CALL () {
  MATCH (n:Entity {id: $id}) RETURN n
  UNION
  MATCH (n:MetricPoint {id: $id}) RETURN n
  UNION
  MATCH (n:Parameter {id: $id}) RETURN n
}
SET n += $props
RETURN n {.*} AS node
