// Restore: one batch of nodes; labels come as a parameter (validated identifiers), never as text.
UNWIND $rows AS row
CREATE (n:_Restoring {_backupKey: row.key})
SET n += row.props
SET n:$(row.labels)
RETURN count(n) AS written
