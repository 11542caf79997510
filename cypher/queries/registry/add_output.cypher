// Record that an execution produced an entity (idempotent).
MATCH (x:Entity:Execution {id: $executionId})
MATCH (o:Entity {id: $entityId})
MERGE (x)-[:PRODUCED]->(o)
RETURN o.id AS id
