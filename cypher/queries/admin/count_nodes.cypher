// Number of registry nodes (bookkeeping nodes, the migration records, the Kubeflow id sequence and
// access records: audit events, grants, tokens, settings, are not counted): tests use it to prove
// a refused write left nothing behind.
MATCH (n)
WHERE NOT n:_Migration AND NOT n:_KubeflowSequence AND NOT n:AuditEvent AND NOT n:AccessGrant
  AND NOT n:ApiToken AND NOT n:AccessSettings
RETURN count(n) AS nodes
