// Candidates for a lineage ref (grammar in store/lineage.py): an id; a unique name of a top-level
// entity or deployment; `parent:version`; `environment/deployment`; `model@alias` (the holder at
// $asOf; the store passes the largest Long for "now", so the open assignment answers). Readings a
// ref does not have come as '' (matches no name): parameters keep one type, so one cached plan.
// rank 0 = id match, which wins over name matches.
// replan=skip: a warm plan survives statistics drift (no first-request cliff after bulk writes).
CYPHER replan=skip
CALL () {
  MATCH (n:Entity {id: $ref})
  RETURN n, 0 AS rank
  UNION
  MATCH (n:Entity {name: $ref})
  WHERE n.kind IN ['Deployment', 'Dataset', 'RegisteredModel', 'Experiment', 'ServingEnvironment', 'Execution']
  RETURN n, 1 AS rank
  UNION
  MATCH (:Entity {name: $versionParent})-[:HAS_VERSION]->(n:Entity {name: $version})
  RETURN n, 1 AS rank
  UNION
  MATCH (:ServingEnvironment {name: $environment})-[:HOSTS]->(n:Entity {name: $deployment})
  RETURN n, 1 AS rank
  UNION
  MATCH (:RegisteredModel {name: $aliasModel})-[:HAS_ALIAS]->(a:AliasAssignment {alias: $alias})-[:POINTS_TO]->(n:Entity)
  WHERE a.since <= $asOf AND (a.until IS NULL OR a.until > $asOf)
  RETURN n, 1 AS rank
}
WITH n, min(rank) AS rank
ORDER BY rank, n.id
LIMIT 6
RETURN n.id AS id, n.kind AS kind, n.name AS name, rank
