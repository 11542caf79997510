// Test factory: bare entities of one kind from property maps (ids and times supplied).
UNWIND $rows AS row
CREATE (n:Entity {kind: $kind})
SET n += row
RETURN count(n) AS created
