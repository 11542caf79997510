// Backup: every node (migration records excluded: the target's schema comes from its own code).
MATCH (n)
WHERE NOT n:_Migration
RETURN elementId(n) AS key, labels(n) AS labels, properties(n) AS props
