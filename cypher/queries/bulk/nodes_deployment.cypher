// Bulk load: Deployment nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Deployment, n += row, n.kind = 'Deployment'
RETURN count(n) AS written
