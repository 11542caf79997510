// Nested field loader: each execution's inputs with their roles, oldest first.
UNWIND $ids AS id
MATCH (:Entity {id: id})<-[r:CONSUMED_BY]-(n:Entity)
WITH id, r, n
ORDER BY n.createdAt, n.id, r.role
RETURN id, collect({role: r.role, node: properties(n)}) AS items
