// logExecution: create the execution (under its experiment when parentId is set), its new
// dataset versions, every CONSUMED_BY {role} / PRODUCED edge and its metric history
// (MetricPoint nodes), in one statement. The store
// has checked every id and dataset beforehand, inside the same transaction.
CREATE (x:Entity:Execution)
SET x = $execution
WITH x
OPTIONAL MATCH (exp:Entity:Experiment {id: $execution.parentId})
FOREACH (_ IN CASE WHEN exp IS NULL THEN [] ELSE [1] END | CREATE (exp)-[:HAS_RUN]->(x))
WITH x
CALL (x) {
  UNWIND $newVersions AS row
  MATCH (d:Entity:Dataset {id: row.parentId})
  CREATE (v:Entity:DatasetVersion)
  SET v = row
  CREATE (d)-[:HAS_VERSION]->(v)
  CREATE (x)-[:PRODUCED]->(v)
  RETURN collect(v.id) AS created
}
CALL (x) {
  UNWIND $inputs AS i
  MATCH (n:Entity {id: i.id})
  MERGE (n)-[:CONSUMED_BY {role: i.role}]->(x)
  RETURN count(n) AS inputs
}
CALL (x) {
  UNWIND $outputs AS id
  MATCH (n:Entity {id: id})
  MERGE (x)-[:PRODUCED]->(n)
  RETURN count(n) AS outputs
}
CALL (x) {
  UNWIND $points AS pt
  CREATE (x)-[:HAS_METRIC]->(:MetricPoint {key: pt.key, value: pt.value, step: pt.step, timestamp: pt.timestamp})
  RETURN count(*) AS points
}
RETURN x {.*} AS node, created, inputs, outputs, points
