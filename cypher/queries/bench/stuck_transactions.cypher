// Bench: queries of the service that have run for at least $seconds (runaway lineage walks);
// these admin commands themselves are left alone.
SHOW TRANSACTIONS YIELD transactionId, currentQuery, elapsedTime
WHERE elapsedTime.seconds >= $seconds
  AND NOT currentQuery CONTAINS 'SHOW TRANSACTIONS'
  AND NOT currentQuery CONTAINS 'TERMINATE TRANSACTIONS'
RETURN transactionId AS id, left(currentQuery, 100) AS query, elapsedTime.seconds AS seconds
