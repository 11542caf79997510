// Create one RegisteredModel from a validated property map (ids and times set by the store).
CREATE (n:Entity:RegisteredModel)
SET n = $props
RETURN n {.*} AS node
