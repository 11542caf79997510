// Chaos: parts of multi-node writes without the rest (each must count 0). Runs and deployments
// are checked for the writes the campaign makes ($runPrefix, $deploymentPrefix, $registerPrefix).
MATCH (v:ModelVersion)
WHERE NOT EXISTS { MATCH (:RegisteredModel {id: v.parentId})-[:HAS_VERSION]->(v) }
WITH count(v) AS total
RETURN 'version without its model' AS problem, total
UNION ALL
MATCH (a:ModelArtifact)
WHERE a.parentId IS NOT NULL
  AND NOT EXISTS { MATCH (:ModelVersion {id: a.parentId})-[:HAS_ARTIFACT]->(a) }
WITH count(a) AS total
RETURN 'artifact without its version' AS problem, total
UNION ALL
MATCH (dv:DatasetVersion)
WHERE NOT EXISTS { MATCH (:Dataset {id: dv.parentId})-[:HAS_VERSION]->(dv) }
WITH count(dv) AS total
RETURN 'dataset version without its dataset' AS problem, total
UNION ALL
MATCH (d:Deployment)
WHERE NOT EXISTS { MATCH (:ServingEnvironment {id: d.parentId})-[:HOSTS]->(d) }
WITH count(d) AS total
RETURN 'deployment without its serving environment' AS problem, total
UNION ALL
MATCH (e:Execution)
WHERE e.name STARTS WITH $runPrefix
  AND (NOT EXISTS { MATCH ()-[:CONSUMED_BY]->(e) } OR NOT EXISTS { MATCH (e)-[:PRODUCED]->() })
WITH count(e) AS total
RETURN 'logged run without its inputs or outputs' AS problem, total
UNION ALL
MATCH (m:RegisteredModel)-[:HAS_VERSION]->(v:ModelVersion)
WHERE m.name STARTS WITH $registerPrefix
  AND (NOT EXISTS { MATCH (v)-[:HAS_ARTIFACT]->(:ModelArtifact) }
       OR NOT EXISTS { MATCH ()-[:CONSUMED_BY]->(:Execution)-[:PRODUCED]->(v) })
WITH count(v) AS total
RETURN 'registered version without its artifact or training run' AS problem, total
UNION ALL
MATCH (d:Deployment)
WHERE d.name STARTS WITH $deploymentPrefix AND NOT EXISTS { MATCH (:ModelVersion)-[:DEPLOYED_AS]->(d) }
WITH count(d) AS total
RETURN 'deployment without its DEPLOYED_AS edge' AS problem, total
