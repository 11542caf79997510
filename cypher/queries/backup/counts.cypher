// Backup: nodes per label and relationships per type (migration records excluded), plus a
// fingerprint of what writes change (stamps, history ends, sequence values). Totals aggregate
// before the constant columns so that an empty graph still answers 0.
MATCH (n)
WHERE NOT n:_Migration
UNWIND labels(n) AS key
RETURN 'label' AS what, key, count(*) AS total
UNION ALL
MATCH ()-[r]->()
RETURN 'type' AS what, type(r) AS key, count(*) AS total
UNION ALL
MATCH (n)
WHERE NOT n:_Migration
WITH count(n) AS total
RETURN 'nodes' AS what, '' AS key, total
UNION ALL
MATCH ()-[r]->()
WITH count(r) AS total
RETURN 'relationships' AS what, '' AS key, total
UNION ALL
MATCH (n)
WHERE NOT n:_Migration
WITH sum(coalesce(n.updatedAt, 0) + coalesce(n.until, 0)
         + CASE WHEN n:_KubeflowSequence THEN coalesce(n.value, 0) ELSE 0 END) AS total
RETURN 'stamps' AS what, '' AS key, total
UNION ALL
MATCH ()-[r]->()
WITH sum(coalesce(r.until, 0) + coalesce(r.updatedAt, 0)) AS total
RETURN 'edge_stamps' AS what, '' AS key, total
