// Create one ServingEnvironment from a validated property map (ids and times set by the store).
CREATE (n:Entity:ServingEnvironment)
SET n = $props
RETURN n {.*} AS node
