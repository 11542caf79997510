// Stage histories for a batch of versions (DataLoader), oldest first.
UNWIND $versionIds AS vid
MATCH (:Entity:ModelVersion {id: vid})-[:HAS_TRANSITION]->(t:StageTransition)
RETURN vid AS versionId, t {.*} AS item
ORDER BY t.at, t.id
