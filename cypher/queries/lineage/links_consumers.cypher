// Nested field loader: the executions that consumed each entity (any role), oldest first.
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:CONSUMED_BY]->(x:Execution)
WITH DISTINCT id, x
ORDER BY coalesce(x.startTime, x.createdAt), x.id
RETURN id, collect(properties(x)) AS items
