// Bulk load: (model)-[:HAS_ALIAS]->(:AliasAssignment {alias, since, until, by})-[:POINTS_TO]->(version).
UNWIND $rows AS row
MATCH (m:Entity {id: row.modelId})
MATCH (v:Entity {id: row.versionId})
MERGE (m)-[:HAS_ALIAS]->(a:AliasAssignment {alias: row.alias, since: row.since})
SET a.until = row.until, a.by = row.by
MERGE (a)-[:POINTS_TO]->(v)
RETURN count(a) AS written
