// Bench: ends runaway transactions of the bench's own service so one slow workload cannot
// starve the next (the service sets no transaction timeout; Community has no dynamic one).
TERMINATE TRANSACTIONS $ids
YIELD transactionId, message
RETURN transactionId, message
