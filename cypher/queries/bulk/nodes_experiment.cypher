// Bulk load: Experiment nodes from full property maps (ids and times supplied); idempotent on id.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Experiment, n += row, n.kind = 'Experiment'
RETURN count(n) AS written
