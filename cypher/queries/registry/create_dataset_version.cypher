// Create one DatasetVersion under its Dataset ($props.parentId); no row when the parent does not exist.
MATCH (p:Entity:Dataset {id: $props.parentId})
CREATE (n:Entity:DatasetVersion)
SET n = $props
CREATE (p)-[:HAS_VERSION]->(n)
RETURN n {.*} AS node
