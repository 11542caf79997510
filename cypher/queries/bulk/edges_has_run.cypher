// Bulk load: HAS_RUN edges between existing entities matched by id (unique index); idempotent.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:HAS_RUN]->(b)
RETURN count(r) AS written
