// Bulk load: (input)-[:CONSUMED_BY {role}]->(execution) edges, matched by id; idempotent per role.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:CONSUMED_BY {role: row.role}]->(b)
RETURN count(r) AS written
