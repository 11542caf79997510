// Restore: one batch of relationships between nodes restored earlier (matched by backup key).
UNWIND $rows AS row
MATCH (a:_Restoring {_backupKey: row.start})
MATCH (b:_Restoring {_backupKey: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS written
