// Idempotency keys: one per (principal, client key), written in the transaction of the write it guards.
CREATE CONSTRAINT idempotency_scope IF NOT EXISTS FOR (n:_IdempotencyKey) REQUIRE n.scope IS UNIQUE;
CREATE INDEX idempotency_expires IF NOT EXISTS FOR (n:_IdempotencyKey) ON (n.expiresAt)
