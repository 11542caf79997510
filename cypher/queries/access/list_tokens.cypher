// Tokens, newest first (never their hashes).
MATCH (t:ApiToken)
WHERE $principal IS NULL OR t.principal = $principal
RETURN t {.*, hash: null} AS token
ORDER BY t.createdAt DESC
