// Expired keys, a bounded batch at a time.
MATCH (k:_IdempotencyKey)
WHERE k.expiresAt <= $now
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS pruned
