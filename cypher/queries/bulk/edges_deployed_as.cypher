// Bulk load: (version)-[:DEPLOYED_AS {since, until, by}]->(deployment) history edges; one per since.
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:DEPLOYED_AS {since: row.since}]->(b)
SET r.until = row.until, r.by = row.by
RETURN count(r) AS written
