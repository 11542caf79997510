// Current aliases pointing at a batch of versions (DataLoader).
UNWIND $versionIds AS vid
MATCH (a:AliasAssignment)-[:POINTS_TO]->(:Entity:ModelVersion {id: vid})
WHERE a.until IS NULL
RETURN vid AS versionId, a.alias AS alias
ORDER BY a.alias
