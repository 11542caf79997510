// Every registry node carries :Entity and a server-generated id.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;

// Names that must be unique.
CREATE CONSTRAINT registered_model_name IF NOT EXISTS FOR (n:RegisteredModel) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT dataset_name IF NOT EXISTS FOR (n:Dataset) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT experiment_name IF NOT EXISTS FOR (n:Experiment) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT serving_environment_name IF NOT EXISTS FOR (n:ServingEnvironment) REQUIRE n.name IS UNIQUE;

// Version names are unique within their parent (parentId is immutable, unlike a parent's name).
CREATE CONSTRAINT model_version_name IF NOT EXISTS FOR (n:ModelVersion) REQUIRE (n.parentId, n.name) IS UNIQUE;
CREATE CONSTRAINT dataset_version_name IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE (n.parentId, n.name) IS UNIQUE;
CREATE CONSTRAINT deployment_name IF NOT EXISTS FOR (n:Deployment) REQUIRE (n.parentId, n.name) IS UNIQUE;

// externalId is unique per label when set.
CREATE CONSTRAINT registered_model_external_id IF NOT EXISTS FOR (n:RegisteredModel) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT model_version_external_id IF NOT EXISTS FOR (n:ModelVersion) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT model_artifact_external_id IF NOT EXISTS FOR (n:ModelArtifact) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT doc_artifact_external_id IF NOT EXISTS FOR (n:DocArtifact) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT dataset_external_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT dataset_version_external_id IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT execution_external_id IF NOT EXISTS FOR (n:Execution) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT experiment_external_id IF NOT EXISTS FOR (n:Experiment) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT serving_environment_external_id IF NOT EXISTS FOR (n:ServingEnvironment) REQUIRE n.externalId IS UNIQUE;
CREATE CONSTRAINT deployment_external_id IF NOT EXISTS FOR (n:Deployment) REQUIRE n.externalId IS UNIQUE;

// Orderings used by list queries.
CREATE INDEX entity_created IF NOT EXISTS FOR (n:Entity) ON (n.createdAt);
CREATE INDEX entity_updated IF NOT EXISTS FOR (n:Entity) ON (n.updatedAt);
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind);
CREATE INDEX entity_parent IF NOT EXISTS FOR (n:Entity) ON (n.parentId)
