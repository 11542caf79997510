// Bulk load: RegisteredModel nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:RegisteredModel, n += row, n.kind = 'RegisteredModel'
RETURN count(n) AS written
