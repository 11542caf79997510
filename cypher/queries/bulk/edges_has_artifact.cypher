// Bulk load: HAS_ARTIFACT edges between existing entities matched by id (unique index); idempotent.
// A child under its parent also caches the parent's Kubeflow id (kfParentId).
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:HAS_ARTIFACT]->(b)
FOREACH (_ IN CASE WHEN b.parentId = a.id THEN [1] ELSE [] END | SET b.kfParentId = a.kfId)
RETURN count(r) AS written
