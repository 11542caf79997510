// Nested field loader: dataset versions consumed by the runs that produced each entity.
UNWIND $ids AS id
MATCH (:Entity {id: id})<-[:PRODUCED]-(:Execution)<-[:CONSUMED_BY]-(d:DatasetVersion)
WITH DISTINCT id, d
ORDER BY d.createdAt, d.id
RETURN id, collect(properties(d)) AS items
