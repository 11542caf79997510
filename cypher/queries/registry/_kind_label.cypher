// Fragment: node `n` gets the label of its kind `kind` (an enum value: domain.graph.Label), for the
// one creator (registry/create_entity) and the bulk loader (bulk/nodes).
FOREACH (_ IN CASE WHEN kind = 'RegisteredModel' THEN [1] ELSE [] END | SET n:RegisteredModel)
FOREACH (_ IN CASE WHEN kind = 'ModelVersion' THEN [1] ELSE [] END | SET n:ModelVersion)
FOREACH (_ IN CASE WHEN kind = 'ModelArtifact' THEN [1] ELSE [] END | SET n:ModelArtifact)
FOREACH (_ IN CASE WHEN kind = 'DocArtifact' THEN [1] ELSE [] END | SET n:DocArtifact)
FOREACH (_ IN CASE WHEN kind = 'Dataset' THEN [1] ELSE [] END | SET n:Dataset)
FOREACH (_ IN CASE WHEN kind = 'DatasetVersion' THEN [1] ELSE [] END | SET n:DatasetVersion)
FOREACH (_ IN CASE WHEN kind = 'Execution' THEN [1] ELSE [] END | SET n:Execution)
FOREACH (_ IN CASE WHEN kind = 'Experiment' THEN [1] ELSE [] END | SET n:Experiment)
FOREACH (_ IN CASE WHEN kind = 'ServingEnvironment' THEN [1] ELSE [] END | SET n:ServingEnvironment)
FOREACH (_ IN CASE WHEN kind = 'Deployment' THEN [1] ELSE [] END | SET n:Deployment)
