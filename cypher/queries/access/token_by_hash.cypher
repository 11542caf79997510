// The live token with this hash, stamping its last use.
MATCH (t:ApiToken {hash: $hash})
WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > $now)
SET t.lastUsedAt = $now
RETURN t {.*, hash: null} AS token
