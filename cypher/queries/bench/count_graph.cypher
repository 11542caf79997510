// Bench: nodes per kind label and relationships per type, to check a load against the generator.
MATCH (n:Entity)
UNWIND labels(n) AS key
WITH key WHERE key <> 'Entity'
RETURN 'node' AS what, key, count(*) AS total
UNION ALL
MATCH ()-[r]->()
RETURN 'edge' AS what, type(r) AS key, count(*) AS total
