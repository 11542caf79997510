// The one writer of column lineage (store/columns.derive_tx): field nodes of dataset versions and
// (derived)-[:DERIVES_FROM {runId, transformations}]->(source) edges, one per run; idempotent.
CALL () {
  UNWIND $fields AS f
  MATCH (v:Entity:DatasetVersion {id: f.versionId})
  MERGE (c:DatasetField {versionId: f.versionId, name: f.name})
  ON CREATE SET c.id = f.id, c.kind = $kind, c.createdAt = $at
  SET c.type = coalesce(f.type, c.type)
  MERGE (v)-[:HAS_FIELD]->(c)
  RETURN count(c) AS fields
}
CALL () {
  UNWIND $edges AS e
  MATCH (o:DatasetField {versionId: e.outVersionId, name: e.outField})
  MATCH (i:DatasetField {versionId: e.inVersionId, name: e.inField})
  MERGE (o)-[d:DERIVES_FROM {runId: e.runId}]->(i)
  SET d.transformations = e.transformations
  RETURN count(d) AS edges
}
RETURN fields, edges
