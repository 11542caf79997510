// Bulk load: Execution nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Execution, n += row, n.kind = 'Execution'
RETURN count(n) AS written
