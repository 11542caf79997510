// Kubeflow REST: attach an existing artifact to a model version or experiment run (idempotent).
// $rel is a fixed relationship name chosen in Python from the artifact and owner kinds.
MATCH (o:Entity {id: $ownerId})
CALL () {
  MATCH (n:Entity {id: $id}) RETURN n
  UNION
  MATCH (n:MetricPoint {id: $id}) RETURN n
  UNION
  MATCH (n:Parameter {id: $id}) RETURN n
}
FOREACH (_ IN CASE WHEN $rel = 'HAS_ARTIFACT' THEN [1] ELSE [] END | MERGE (o)-[:HAS_ARTIFACT]->(n))
FOREACH (_ IN CASE WHEN $rel = 'HAS_METRIC' THEN [1] ELSE [] END | MERGE (o)-[:HAS_METRIC]->(n))
FOREACH (_ IN CASE WHEN $rel = 'HAS_PARAMETER' THEN [1] ELSE [] END |
  MERGE (o)-[:HAS_PARAMETER]->(n))
FOREACH (_ IN CASE WHEN $rel = 'PRODUCED' THEN [1] ELSE [] END | MERGE (o)-[:PRODUCED]->(n))
FOREACH (_ IN CASE WHEN $rel = 'CONSUMED_BY' THEN [1] ELSE [] END |
  MERGE (n)-[c:CONSUMED_BY]->(o) ON CREATE SET c.role = 'input')
SET o += $ownerProps
WITH n
// A run that produced a model artifact a version holds produced that version: lineage walks
// over CONSUMED_BY/PRODUCED then reach the run from the version (Kubeflow links only artifacts).
CALL (n) {
  MATCH (run:Execution)-[:PRODUCED]->(n:ModelArtifact)<-[:HAS_ARTIFACT]-(mv:ModelVersion)
  MERGE (run)-[:PRODUCED]->(mv)
}
RETURN n.id AS id
