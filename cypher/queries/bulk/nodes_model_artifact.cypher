// Bulk load: ModelArtifact nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:ModelArtifact, n += row, n.kind = 'ModelArtifact'
RETURN count(n) AS written
