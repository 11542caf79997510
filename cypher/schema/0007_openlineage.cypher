// OpenLineage ingest: one Execution per runId, datasets by (namespace, name), one field node per
// (dataset version, column).
CREATE CONSTRAINT execution_ol_run_id IF NOT EXISTS FOR (n:Execution) REQUIRE n.olRunId IS UNIQUE;
CREATE CONSTRAINT dataset_ol_identity IF NOT EXISTS FOR (n:Dataset) REQUIRE (n.olNamespace, n.olName) IS UNIQUE;
CREATE CONSTRAINT dataset_field_key IF NOT EXISTS FOR (n:DatasetField) REQUIRE (n.versionId, n.name) IS UNIQUE
