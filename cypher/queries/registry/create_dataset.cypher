// Create one Dataset from a validated property map (ids and times set by the store).
CREATE (n:Entity:Dataset)
SET n = $props
RETURN n {.*} AS node
