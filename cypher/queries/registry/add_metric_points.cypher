// Append metric points to an owner's history.
MATCH (o:Entity {id: $ownerId})
UNWIND $points AS pt
CREATE (o)-[:HAS_METRIC]->(:MetricPoint {key: pt.key, value: pt.value, step: pt.step, timestamp: pt.timestamp})
RETURN count(*) AS added
