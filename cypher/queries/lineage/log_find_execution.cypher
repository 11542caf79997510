// logExecution idempotency: the execution already recorded under $externalId, with its outputs.
MATCH (x:Execution {externalId: $externalId})
RETURN x {.*} AS node,
       [(x)-[:PRODUCED]->(o:Entity) | o.id] AS outputs,
       [(i:Entity)-[r:CONSUMED_BY]->(x) | {id: i.id, role: r.role}] AS inputs
