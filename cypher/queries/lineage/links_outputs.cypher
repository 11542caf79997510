// Nested field loader: each execution's outputs, oldest first.
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:PRODUCED]->(n:Entity)
WITH id, n
ORDER BY n.createdAt, n.id
RETURN id, collect(properties(n)) AS items
