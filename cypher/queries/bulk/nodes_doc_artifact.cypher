// Bulk load: DocArtifact nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:DocArtifact, n += row, n.kind = 'DocArtifact'
RETURN count(n) AS written
