// Governance gap: versions in stage PRODUCTION without an Approval record for that stage.
// Only versions the caller may read; $limit + 1 rows report truncation.
MATCH (v:ModelVersion {stage: 'PRODUCTION'})
WHERE NOT EXISTS {
  MATCH (v)-[:HAS_APPROVAL]->(a:Approval)
  WHERE a.stage IS NULL OR a.stage = 'PRODUCTION'
}
WITH v AS n
WHERE {{> access/_readable}}
WITH n AS v
ORDER BY v.id
LIMIT $limit + 1
RETURN v {.*} AS version,
       head([(m:RegisteredModel)-[:HAS_VERSION]->(v) | m.name]) AS modelName,
       [] AS deployments
