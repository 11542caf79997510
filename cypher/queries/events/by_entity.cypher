// Events of some entities, oldest first (the kill -9 test compares them with the changes).
MATCH (e:_Event)
WHERE e.entityId IN $entityIds
RETURN e {.*} AS event
ORDER BY e.seq
