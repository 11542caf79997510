// Point an alias of a model at a version: close the current holder, open a new assignment.
MATCH (m:Entity:RegisteredModel {id: $modelId})
MATCH (v:Entity:ModelVersion {id: $versionId})
OPTIONAL MATCH (m)-[:HAS_ALIAS]->(cur:AliasAssignment {alias: $alias})
WHERE cur.until IS NULL
SET cur.until = $at, cur.closedBy = $by
CREATE (m)-[:HAS_ALIAS]->(a:AliasAssignment {alias: $alias, since: $at, until: null, by: $by})-[:POINTS_TO]->(v)
RETURN a {.*, versionId: v.id} AS item
