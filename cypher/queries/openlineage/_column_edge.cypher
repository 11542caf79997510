// Fragment: one DERIVES_FROM edge r, named by dataset, version and field at both ends.
WITH r, startNode(r) AS o, endNode(r) AS i
MATCH (od:Dataset)-[:HAS_VERSION]->(ov:DatasetVersion)-[:HAS_FIELD]->(o)
MATCH (sd:Dataset)-[:HAS_VERSION]->(iv:DatasetVersion)-[:HAS_FIELD]->(i)
OPTIONAL MATCH (run:Execution {olRunId: r.runId})
RETURN od.name AS dataset, ov.name AS version, ov.id AS versionId, o.name AS field,
       sd.name AS sourceDataset, iv.name AS sourceVersion, iv.id AS sourceVersionId,
       i.name AS sourceField, r.runId AS runId, run.id AS executionId,
       r.transformations AS transformations
ORDER BY dataset, version, field, sourceDataset, sourceVersion, sourceField, runId
