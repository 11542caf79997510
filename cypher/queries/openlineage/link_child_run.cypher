// The one writer of run hierarchy (store/executions.link_child_tx): (parent)-[:HAS_CHILD_RUN]->(child).
MATCH (p:Entity:Execution {id: $parentId})
MATCH (c:Entity:Execution {id: $childId})
MERGE (p)-[r:HAS_CHILD_RUN]->(c)
RETURN count(r) AS linked
