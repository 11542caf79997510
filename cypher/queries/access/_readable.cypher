// Fragment: entity `n` may be read by the caller. $readAll short-circuits (admins, local mode,
// nothing restricted for this caller); otherwise $hiddenScopes (access/hidden_scopes) holds the
// restricted models/experiments the caller has no grant on, and `n` must not hang under one.
($readAll OR NOT EXISTS {
  MATCH (readScope:ReadRestricted)-[:HAS_VERSION|HAS_ARTIFACT|HAS_RUN*0..2]->(n)
  WHERE readScope.id IN $hiddenScopes
})
