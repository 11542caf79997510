// A new API token; only the hash of its secret is kept.
CREATE (t:ApiToken {id: $id, name: $name, hash: $hash, principal: $principal, roles: $roles,
                    createdAt: $at, createdBy: $by, expiresAt: $expiresAt, lastUsedAt: null,
                    revokedAt: null})
RETURN t {.*, hash: null} AS token
