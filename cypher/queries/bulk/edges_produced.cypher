// Bulk load: PRODUCED edges between existing entities matched by id (unique index); idempotent.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:PRODUCED]->(b)
RETURN count(r) AS written
