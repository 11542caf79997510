// Metric histories for a batch of owners (DataLoader), in step then time order.
UNWIND $ownerIds AS oid
MATCH (:Entity {id: oid})-[:HAS_METRIC]->(pt:MetricPoint)
RETURN oid AS ownerId, pt {.*} AS point
ORDER BY pt.key, pt.step, pt.timestamp
