// Bulk load: DatasetVersion nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:DatasetVersion, n += row, n.kind = 'DatasetVersion'
RETURN count(n) AS written
