// Governance gap: versions serving now (an open DEPLOYED_AS) whose producing runs consumed no
// DatasetVersion, i.e. with no recorded training data; only versions the caller may read.
// $limit + 1 rows report truncation.
MATCH (v:ModelVersion)-[d:DEPLOYED_AS]->(dep:Deployment)
WHERE d.until IS NULL
  AND NOT EXISTS { (:DatasetVersion)-[:CONSUMED_BY]->(:Execution)-[:PRODUCED]->(v) }
WITH v AS n, d, dep
WHERE {{> access/_readable}}
WITH n AS v, collect(dep {.id, .name, since: d.since}) AS deployments
ORDER BY v.id
LIMIT $limit + 1
RETURN v {.*} AS version,
       head([(m:RegisteredModel)-[:HAS_VERSION]->(v) | m.name]) AS modelName,
       deployments
