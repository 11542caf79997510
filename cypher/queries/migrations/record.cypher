MERGE (m:_Migration {name: $name})
ON CREATE SET m.checksum = $checksum, m.appliedAt = timestamp()
RETURN m.checksum AS checksum
