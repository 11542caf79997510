// Create one Experiment from a validated property map (ids and times set by the store).
CREATE (n:Entity:Experiment)
SET n = $props
RETURN n {.*} AS node
