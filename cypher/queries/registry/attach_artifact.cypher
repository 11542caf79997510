// The one writer attaching an existing artifact to a model version (store/entities.attach_tx):
// HAS_ARTIFACT; a model/doc artifact without a parent takes the version as its parent. A run that
// produced the artifact produced the version too (Kubeflow links runs to artifacts only).
MATCH (v:Entity:ModelVersion {id: $versionId})
MATCH (n:Entity {id: $id})
MERGE (v)-[:HAS_ARTIFACT]->(n)
FOREACH (_ IN CASE WHEN n.parentId IS NULL AND NOT n:DatasetVersion THEN [1] ELSE [] END |
  SET n.parentId = v.id, n.kfParentId = v.kfId)
WITH v, n
CALL (v, n) {
  MATCH (run:Execution)-[:PRODUCED]->(n:ModelArtifact)
  MERGE (run)-[:PRODUCED]->(v)
}
RETURN n {.*} AS node
