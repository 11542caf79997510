// Merge a validated property map into one entity of a kind (null values remove properties).
MATCH (n:Entity {id: $id})
WHERE n.kind = $kind
SET n += $props
RETURN n {.*} AS node
