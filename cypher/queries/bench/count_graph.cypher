// Bench: nodes per kind label and relationships per type, to check a load against the generator.
// Only the label naming the node's kind counts (marker labels such as ReadRestricted do not).
MATCH (n:Entity)
UNWIND labels(n) AS key
WITH n, key WHERE key = n.kind
RETURN 'node' AS what, key, count(*) AS total
UNION ALL
MATCH ()-[r]->()
RETURN 'edge' AS what, type(r) AS key, count(*) AS total
