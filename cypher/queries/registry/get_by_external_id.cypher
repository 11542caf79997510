// One entity of a kind by its externalId.
MATCH (n:Entity {kind: $kind, externalId: $externalId})
RETURN n {.*} AS node
LIMIT 1
