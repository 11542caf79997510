// Nested field loader: the executions that PRODUCED each entity, oldest first.
UNWIND $ids AS id
MATCH (:Entity {id: id})<-[:PRODUCED]-(x:Execution)
WITH id, x
ORDER BY coalesce(x.startTime, x.createdAt), x.id
RETURN id, collect(properties(x)) AS items
