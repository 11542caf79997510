// Restore: remove what a failed restore wrote (only nodes it created carry :_Restoring).
MATCH (n:_Restoring)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
