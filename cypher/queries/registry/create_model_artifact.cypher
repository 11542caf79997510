// Create one ModelArtifact under its ModelVersion ($props.parentId); no row when the parent does not exist.
MATCH (p:Entity:ModelVersion {id: $props.parentId})
CREATE (n:Entity:ModelArtifact)
SET n = $props
CREATE (p)-[:HAS_ARTIFACT]->(n)
RETURN n {.*} AS node
