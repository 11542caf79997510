// Record an approval of a version for a stage.
MATCH (v:Entity:ModelVersion {id: $versionId})
CREATE (v)-[:HAS_APPROVAL]->(a:Approval {id: $id, stage: $stage, by: $by, at: $at, comment: $comment})
RETURN a {.*} AS item
