// Kubeflow REST: apply a validated property map (nulls remove keys) to one metric or parameter
// record by id; updatedAt never goes backwards. Entities change through registry/update only.
CALL () {
  MATCH (n:MetricPoint {id: $id}) RETURN n
  UNION
  MATCH (n:Parameter {id: $id}) RETURN n
}
SET n += $props, n.updatedAt = CASE WHEN n.updatedAt >= $at THEN n.updatedAt + 1 ELSE $at END
RETURN n {.*} AS node
