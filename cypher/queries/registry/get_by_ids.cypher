// Entities by id, any kind (one round trip for a batch).
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n {.*} AS node
