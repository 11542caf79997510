// The one writer of run lineage (store/executions.link_many_tx), any number of runs in one round
// trip: for each link {executionId, inputs: [{id, role}], outputs: [id]} the inputs are
// CONSUMED_BY {role} the run and the run PRODUCED its outputs (idempotent). A run that produced a
// model artifact a version holds produced that version too, so lineage walks reach the run from
// the version.
UNWIND $links AS link
MATCH (x:Entity:Execution {id: link.executionId})
CALL (x, link) {
  UNWIND link.inputs AS i
  MATCH (n:Entity {id: i.id})
  MERGE (n)-[:CONSUMED_BY {role: i.role}]->(x)
  RETURN count(n) AS inputs
}
CALL (x, link) {
  UNWIND link.outputs AS id
  MATCH (n:Entity {id: id})
  MERGE (x)-[:PRODUCED]->(n)
  WITH n
  OPTIONAL MATCH (n:ModelArtifact)<-[:HAS_ARTIFACT]-(mv:ModelVersion)
  FOREACH (_ IN CASE WHEN mv IS NULL THEN [] ELSE [1] END | MERGE (x)-[:PRODUCED]->(mv))
  RETURN count(n) AS outputs
}
RETURN x.id AS executionId, inputs, outputs
