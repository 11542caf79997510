// Bulk load: ServingEnvironment nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:ServingEnvironment, n += row, n.kind = 'ServingEnvironment'
RETURN count(n) AS written
