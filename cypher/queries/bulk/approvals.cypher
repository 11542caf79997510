// Bulk load: (version)-[:HAS_APPROVAL]->(:Approval {id, stage, by, at, comment}); idempotent on id.
UNWIND $rows AS row
MATCH (v:Entity {id: row.versionId})
MERGE (v)-[:HAS_APPROVAL]->(a:Approval {id: row.id})
SET a.stage = row.stage, a.by = row.by, a.at = row.at, a.comment = row.comment
RETURN count(a) AS written
