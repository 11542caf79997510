// A model/experiment is :ReadRestricted exactly when it has no grant for everyone; run after each grant change.
MATCH (s:Entity {id: $resourceId})
WHERE s:RegisteredModel OR s:Experiment
WITH s, NOT EXISTS { MATCH (:AccessGrant {resourceId: s.id, subjectType: 'GROUP', subject: $everyone}) } AS restricted
FOREACH (_ IN CASE WHEN restricted THEN [1] ELSE [] END | SET s:ReadRestricted)
FOREACH (_ IN CASE WHEN restricted THEN [] ELSE [1] END | REMOVE s:ReadRestricted)
RETURN restricted
