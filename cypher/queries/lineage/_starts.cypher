// Fragment: the root, and where a walk starts. A RegisteredModel or Dataset root starts from all
// its versions, one hop further (their paths begin with the root's id); any other root from itself.
MATCH (root:Entity {id: $id})
CALL (root) {
  OPTIONAL MATCH (root)-[:HAS_VERSION]->(v:Entity)
  WHERE coalesce(v.createdAt, 0) <= $createdMax
  WITH root, collect(v) AS versions, root.kind IN ['RegisteredModel', 'Dataset'] AS container
  WITH root,
       CASE WHEN container THEN versions ELSE [root] END AS starts,
       CASE WHEN container THEN [root.id] ELSE [] END AS prefix
