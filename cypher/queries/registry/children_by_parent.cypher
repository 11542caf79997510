// Children of some kinds for a batch of parents (DataLoader), oldest first.
UNWIND $parentIds AS pid
MATCH (n:Entity {parentId: pid})
WHERE n.kind IN $kinds AND ($states IS NULL OR n.state IN $states)
RETURN pid AS parentId, n {.*} AS node
ORDER BY n.createdAt, n.id
