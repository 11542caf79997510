MATCH (n)
WHERE NOT n:_Migration
RETURN count(n) AS nodes
