// Backfill of access/sync_restricted over models and experiments whose label is out of step
// (migrate): at most $batch per call, the caller repeats until 0; idempotent.
MATCH (s:Entity)
WHERE s:RegisteredModel OR s:Experiment
WITH s, NOT EXISTS { MATCH (:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone}) } AS restricted
WHERE restricted <> (s:ReadRestricted)
WITH s, restricted LIMIT $batch
FOREACH (_ IN CASE WHEN restricted THEN [1] ELSE [] END | SET s:ReadRestricted)
FOREACH (_ IN CASE WHEN restricted THEN [] ELSE [1] END | REMOVE s:ReadRestricted)
RETURN count(s) AS changed, count(CASE WHEN restricted THEN 1 END) AS restricted
