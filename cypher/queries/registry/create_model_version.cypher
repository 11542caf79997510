// Create one ModelVersion under its RegisteredModel ($props.parentId); no row when the parent does not exist.
MATCH (p:Entity:RegisteredModel {id: $props.parentId})
CREATE (n:Entity:ModelVersion)
SET n = $props
CREATE (p)-[:HAS_VERSION]->(n)
RETURN n {.*} AS node
