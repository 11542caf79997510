// Impact counts per kind without payload (dashboards): the downstream.cypher traversal, counted.
// Searches at most 5 hops (variants _d5/_d10/_d20/_d50, as for downstream);
// no node cap, since nothing but counts is returned.
// Time: nodes created after $createdMax did not exist yet (asOf); a DEPLOYED_AS edge counts when
// since <= $edgeHi and until > $edgeLo (other edges have neither), a window the store sets for
// history, serving now, or serving at asOf. Plain conjunctions keep the path automaton cheap to plan.
MATCH (root:Entity {id: $id})
CALL (root) {
  OPTIONAL MATCH (root)-[:HAS_VERSION]->(v:Entity)
  WHERE coalesce(v.createdAt, 0) <= $createdMax
  WITH root, collect(v) AS versions, root.kind IN ['RegisteredModel', 'Dataset'] AS container
  WITH root,
       CASE WHEN container THEN versions ELSE [root] END AS starts,
       CASE WHEN container THEN 1 ELSE 0 END AS offset
  CALL (root, starts, offset) {
    UNWIND starts AS s
    WITH s WHERE s <> root
    RETURN s AS x, offset AS distance
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(m)
        WHERE coalesce(m.createdAt, 0) <= $createdMax
          AND coalesce(r.since, -1) <= $edgeHi AND coalesce(r.until, 9223372036854775807) > $edgeLo
        ){1,5}(x)
    WHERE x <> root
    RETURN x, offset + length(p) AS distance
  }
  WITH x, min(distance) AS distance
  WHERE distance <= $maxDepth AND (NOT $liveOnly OR x.state = 'LIVE')
  WITH x.kind AS kind, count(x) AS n
  ORDER BY kind
  RETURN collect({kind: kind, count: n}) AS counts
}
RETURN root.id AS id, counts
