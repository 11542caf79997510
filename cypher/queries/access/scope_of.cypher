// For each of $ids, the models or experiments governing the entity, with their grants: the
// registered model or experiment it is, or hangs under (parent or grandparent); for a run outside
// every experiment, the registered models whose versions or artifacts it produced (the rule
// access/_readable reads by). Ids that name no entity have no row.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  OPTIONAL MATCH (s:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HAS_RUN*0..2]->(n)
  WHERE s:RegisteredModel OR s:Experiment
  WITH s LIMIT 1
  RETURN collect(s) AS own
}
CALL (n, own) {
  OPTIONAL MATCH (s:RegisteredModel)-[:HAS_VERSION|HAS_ARTIFACT*1..2]->(:Entity)<-[:PRODUCED]-(n:Execution)
  WHERE size(own) = 0
  RETURN collect(DISTINCT s) AS trained
}
CALL (own, trained) {
  UNWIND own + trained AS s
  OPTIONAL MATCH (g:AccessGrant {resourceId: s.id})
  WITH s, collect(g {.subjectType, .subject, .permission}) AS grants
  ORDER BY s.id
  RETURN collect({id: s.id, kind: s.kind, grants: grants}) AS scopes
}
RETURN n.id AS id, n.kind AS kind, n.author AS author, scopes
