// The registered model or experiment governing an entity (itself, its parent or grandparent), with its grants.
MATCH (n:Entity {id: $id})
OPTIONAL MATCH (s:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HAS_RUN*0..2]->(n)
WHERE s:RegisteredModel OR s:Experiment
WITH n, s LIMIT 1
OPTIONAL MATCH (g:AccessGrant {resourceId: s.id})
RETURN n.kind AS kind, n.author AS author, s.id AS scopeId, s.kind AS scopeKind,
       collect(g {.subjectType, .subject, .permission}) AS grants
