// Number of registry nodes (bookkeeping nodes, the migration records and the Kubeflow id
// sequence, are not counted): tests use it to prove a refused write left nothing behind.
MATCH (n)
WHERE NOT n:_Migration AND NOT n:_KubeflowSequence
RETURN count(n) AS nodes
