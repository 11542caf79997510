// Fragment: entity `n` may be read by the caller. $readAll short-circuits (admins, local mode,
// nothing restricted for this caller); otherwise $hiddenScopes (access/hidden_scopes) holds the
// restricted models/experiments the caller has no grant on, and `n` must not hang under one.
// A run outside every experiment has no scope of its own: the models whose versions or
// artifacts it produced govern it (its hyperparameters and metrics are their training), so it
// and its parameters and metrics are hidden when one of those models is.
($readAll OR (NOT EXISTS {
  MATCH (readScope:ReadRestricted)-[:HAS_VERSION|HAS_ARTIFACT|HAS_RUN|HAS_METRIC|HAS_PARAMETER*0..2]->(n)
  WHERE readScope.id IN $hiddenScopes
} AND NOT EXISTS {
  MATCH (readScope:ReadRestricted)-[:HAS_VERSION|HAS_ARTIFACT*1..2]->(:Entity)<-[:PRODUCED]-(run:Execution)-[:HAS_METRIC|HAS_PARAMETER*0..1]->(n)
  WHERE readScope.id IN $hiddenScopes AND NOT EXISTS { (:Experiment)-[:HAS_RUN]->(run) }
}))
