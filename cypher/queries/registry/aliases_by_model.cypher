// Alias assignments (current and past) for a batch of models (DataLoader), oldest first.
UNWIND $modelIds AS mid
MATCH (:Entity:RegisteredModel {id: mid})-[:HAS_ALIAS]->(a:AliasAssignment)-[:POINTS_TO]->(v:ModelVersion)
RETURN mid AS modelId, a {.*, versionId: v.id} AS item
ORDER BY a.since, a.alias
