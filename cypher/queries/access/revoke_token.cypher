// Revoke a token by id or name (idempotent: the first revocation time is kept).
MATCH (t:ApiToken)
WHERE t.id = $ref OR t.name = $ref
SET t.revokedAt = coalesce(t.revokedAt, $at)
RETURN t {.*, hash: null} AS token
