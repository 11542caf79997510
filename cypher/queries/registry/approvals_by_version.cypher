// Approvals for a batch of versions (DataLoader), oldest first.
UNWIND $versionIds AS vid
MATCH (:Entity:ModelVersion {id: vid})-[:HAS_APPROVAL]->(a:Approval)
RETURN vid AS versionId, a {.*} AS item
ORDER BY a.at, a.id
