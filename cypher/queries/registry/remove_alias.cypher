// Close the current assignment of an alias; returns it (no row when the alias is not set).
MATCH (:Entity:RegisteredModel {id: $modelId})-[:HAS_ALIAS]->(cur:AliasAssignment {alias: $alias})-[:POINTS_TO]->(v:ModelVersion)
WHERE cur.until IS NULL
SET cur.until = $at, cur.closedBy = $by
RETURN cur {.*, versionId: v.id} AS item
