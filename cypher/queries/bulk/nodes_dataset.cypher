// Bulk load: Dataset nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Dataset, n += row, n.kind = 'Dataset'
RETURN count(n) AS written
