MATCH (m:_Migration)
RETURN m.name AS name, m.checksum AS checksum, m.appliedAt AS appliedAt
ORDER BY m.name
