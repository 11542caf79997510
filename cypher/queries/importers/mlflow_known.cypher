// The MLflow importer's look-up of what an earlier import already wrote, by externalId (unique
// per kind label, so one index seek per kind an MLflow thing can become).
UNWIND $externalIds AS externalId
CALL (externalId) {
  MATCH (n:Experiment {externalId: externalId}) RETURN n
  UNION
  MATCH (n:Execution {externalId: externalId}) RETURN n
  UNION
  MATCH (n:Dataset {externalId: externalId}) RETURN n
  UNION
  MATCH (n:DatasetVersion {externalId: externalId}) RETURN n
  UNION
  MATCH (n:ModelArtifact {externalId: externalId}) RETURN n
  UNION
  MATCH (n:RegisteredModel {externalId: externalId}) RETURN n
  UNION
  MATCH (n:ModelVersion {externalId: externalId}) RETURN n
}
RETURN externalId, n {.*} AS node
