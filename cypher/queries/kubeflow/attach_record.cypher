// Kubeflow REST: attach an existing metric or parameter record to a model version or run
// (idempotent). $rel is HAS_METRIC or HAS_PARAMETER, chosen in Python from the record's kind.
MATCH (o:Entity {id: $ownerId})
CALL () {
  MATCH (n:MetricPoint {id: $id}) RETURN n
  UNION
  MATCH (n:Parameter {id: $id}) RETURN n
}
FOREACH (_ IN CASE WHEN $rel = 'HAS_METRIC' THEN [1] ELSE [] END | MERGE (o)-[:HAS_METRIC]->(n))
FOREACH (_ IN CASE WHEN $rel = 'HAS_PARAMETER' THEN [1] ELSE [] END |
  MERGE (o)-[:HAS_PARAMETER]->(n))
RETURN n.id AS id
