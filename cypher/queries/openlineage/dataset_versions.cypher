// For each wanted dataset version: the one named so, the version this run already read, and the
// dataset's newest version (what an unversioned input reads).
UNWIND $wanted AS w
MATCH (d:Entity:Dataset {id: w.datasetId})
OPTIONAL MATCH (d)-[:HAS_VERSION]->(named:DatasetVersion {name: w.version})
CALL (d, w) {
  OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion)-[:CONSUMED_BY]->(:Execution {olRunId: w.runId})
  RETURN v AS read
  LIMIT 1
}
CALL (d) {
  OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion)
  RETURN v AS latest
  ORDER BY v.createdAt DESC, v.id DESC
  LIMIT 1
}
RETURN w.key AS key, named {.*} AS named, read {.*} AS read, latest {.*} AS latest
