// Bulk load: ModelVersion nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:ModelVersion, n += row, n.kind = 'ModelVersion'
RETURN count(n) AS written
