// Create one Deployment under its ServingEnvironment ($props.parentId); no row when the parent does not exist.
MATCH (p:Entity:ServingEnvironment {id: $props.parentId})
CREATE (n:Entity:Deployment)
SET n = $props
CREATE (p)-[:HOSTS]->(n)
RETURN n {.*} AS node
