// Restore: drop the backup keys once every relationship is in place.
MATCH (n:_Restoring)
CALL (n) { REMOVE n:_Restoring REMOVE n._backupKey } IN TRANSACTIONS OF 10000 ROWS
