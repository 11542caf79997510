// Registry nodes per kind, for the entity-count gauges (refreshed in the background).
MATCH (n:Entity)
RETURN n.kind AS kind, n.state AS state, count(*) AS count
