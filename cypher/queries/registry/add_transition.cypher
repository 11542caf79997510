// Move a version to a new stage and record the transition.
MATCH (v:Entity:ModelVersion {id: $versionId})
SET v.stage = $toStage, v.updatedAt = $at, v.updatedBy = $by
CREATE (v)-[:HAS_TRANSITION]->(t:StageTransition {id: $id, fromStage: $fromStage, toStage: $toStage, by: $by, at: $at, comment: $comment})
RETURN v {.*} AS node
