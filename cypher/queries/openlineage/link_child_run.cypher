// The one writer of run hierarchy (store/executions.link_children_tx): for each pair
// {parentId, childId}, (parent)-[:HAS_CHILD_RUN]->(child). Pairs naming a missing run: no row.
UNWIND range(0, size($pairs) - 1) AS i
WITH i, $pairs[i] AS pair
MATCH (p:Entity:Execution {id: pair.parentId})
MATCH (c:Entity:Execution {id: pair.childId})
MERGE (p)-[r:HAS_CHILD_RUN]->(c)
RETURN i
