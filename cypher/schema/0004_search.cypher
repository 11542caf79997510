// Type-ahead search over every entity kind: name, description and tags, Lucene-analysed (one index).
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
FOR (n:RegisteredModel|ModelVersion|ModelArtifact|DocArtifact|Dataset|DatasetVersion|Execution|Experiment|ServingEnvironment|Deployment)
ON EACH [n.name, n.description, n.tags]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false}}
