// Record that an execution consumed an entity in a role (idempotent per role).
MATCH (x:Entity:Execution {id: $executionId})
MATCH (i:Entity {id: $entityId})
MERGE (i)-[r:CONSUMED_BY {role: $role}]->(x)
RETURN i.id AS id
