// Number of registry nodes (bookkeeping nodes — labels starting with '_': migration records, the
// Kubeflow id sequence, the event outbox and webhooks — and access records are not counted):
// tests use it to prove a refused write left nothing behind.
MATCH (n)
WHERE NOT any(label IN labels(n) WHERE label STARTS WITH '_')
  AND NOT n:AccessGrant AND NOT n:ApiToken AND NOT n:AccessSettings
RETURN count(n) AS nodes
