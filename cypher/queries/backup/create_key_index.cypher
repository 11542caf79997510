// Restore: endpoints of restored relationships are found by their backup key.
CREATE INDEX modelgraph_restore_key IF NOT EXISTS FOR (n:_Restoring) ON (n._backupKey)
