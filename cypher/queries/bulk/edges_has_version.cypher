// Bulk load: HAS_VERSION edges between existing entities matched by id (unique index); idempotent.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:HAS_VERSION]->(b)
RETURN count(r) AS written
