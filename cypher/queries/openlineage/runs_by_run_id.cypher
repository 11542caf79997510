// Executions recorded for OpenLineage runIds, write-locked: events of one run take turns, so
// the idempotency check and the state decision are made on what the lock protects.
UNWIND $runIds AS runId
WITH runId ORDER BY runId
MATCH (e:Entity:Execution {olRunId: runId})
SET e._lock = true
REMOVE e._lock
RETURN e {.*} AS node
