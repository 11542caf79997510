// Backfill of access/sync_restricted over every model and experiment (migrate, bulk loads); idempotent.
MATCH (s:Entity)
WHERE s:RegisteredModel OR s:Experiment
WITH s, NOT EXISTS { MATCH (:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone}) } AS restricted
FOREACH (_ IN CASE WHEN restricted THEN [1] ELSE [] END | SET s:ReadRestricted)
FOREACH (_ IN CASE WHEN restricted THEN [] ELSE [1] END | REMOVE s:ReadRestricted)
RETURN count(CASE WHEN restricted THEN 1 END) AS restricted
