// Upstream lineage of one entity: everything it came from, following CONSUMED_BY|PRODUCED edges
// backwards (plus the DEPLOYED_AS hop into a Deployment).
// Bounded at {{bound}} hops; how a walk works: lineage/_step.cypher.
// replan=skip: a warm plan survives statistics drift (no first-request cliff after bulk writes).
CYPHER replan=skip
{{> lineage/_starts}}
  CALL (root, starts, prefix) {
    UNWIND starts AS s
    WITH s WHERE s <> root
    RETURN s AS x, prefix + [s.id] AS path
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)<-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]-(m)
        {{> lineage/_step}}
        ){1,{{bound}}}(x)
    WHERE x <> root
    RETURN x, prefix + [n IN nodes(p) | n.id] AS path
  }
{{> lineage/_select}}
// The depth cap was hit when a node at $maxDepth has an upstream neighbour not returned.
CALL (items, ids) {
  UNWIND items AS i
  WITH i.node AS n
  WHERE i.distance = $maxDepth AND NOT (n.kind IN $stopKinds OR n.id IN $stopIds)
  MATCH (n)<-[:CONSUMED_BY|PRODUCED]-(m)
  WHERE NOT m.id IN ids AND coalesce(m.createdAt, 0) <= $createdMax
  RETURN count(m) > 0 AS deeper
}
{{> lineage/_answer}}
