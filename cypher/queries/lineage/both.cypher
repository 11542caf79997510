// Lineage in both directions: the upstream and the downstream pattern (upstream.cypher,
// downstream.cypher) from the same starts; a node reached both ways keeps its shorter path.
// Bounded at {{bound}} hops; how a walk works: lineage/_step.cypher.
// replan=skip: a warm plan survives statistics drift (no first-request cliff after bulk writes).
CYPHER replan=skip
{{> lineage/_starts}}
  CALL (root, starts, prefix) {
    UNWIND starts AS s
    WITH s WHERE s <> root
    RETURN s AS x, prefix + [s.id] AS path, 'START' AS dir
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)<-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]-(m)
        {{> lineage/_step}}
        ){1,{{bound}}}(x)
    WHERE x <> root
    RETURN x, prefix + [n IN nodes(p) | n.id] AS path, 'UP' AS dir
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(m)
        {{> lineage/_step}}
        ){1,{{bound}}}(x)
    WHERE x <> root
    RETURN x, prefix + [n IN nodes(p) | n.id] AS path, 'DOWN' AS dir
  }
  // As lineage/_select, but each node also keeps the direction of its shortest path.
  WITH x, path, dir
  ORDER BY size(path)
  WITH x, head(collect({path: path, dir: dir})) AS best
  WITH x, best.path AS path, best.dir AS dir, size(best.path) - 1 AS distance
  WHERE distance <= $maxDepth
    AND (size($nodeTypes) = 0 OR x.kind IN $nodeTypes)
    AND (NOT $liveOnly OR x.state = 'LIVE')
  ORDER BY distance, x.id
  LIMIT $limit + 1
  RETURN collect({
    node: x, distance: distance, path: path, dir: dir,
    parentName: head([(pp:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HOSTS|HAS_RUN]->(x) WHERE pp.id = x.parentId | pp.name])
  }) AS found
}
WITH root, found[0..$limit] AS items, size(found) > $limit AS overLimit
WITH root, items, overLimit, [root.id] + [i IN items | i.node.id] AS ids
// The depth cap was hit when a node at $maxDepth has a neighbour not returned in the direction it was reached.
CALL (items, ids) {
  UNWIND items AS i
  WITH i.node AS n, i.dir AS dir
  WHERE i.distance = $maxDepth AND NOT (n.kind IN $stopKinds OR n.id IN $stopIds)
  OPTIONAL MATCH (n)<-[:CONSUMED_BY|PRODUCED]-(u)
  WHERE dir = 'UP' AND NOT u.id IN ids AND coalesce(u.createdAt, 0) <= $createdMax
  OPTIONAL MATCH (n)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(d)
  WHERE dir = 'DOWN' AND NOT d.id IN ids AND coalesce(d.createdAt, 0) <= $createdMax
    AND {{> lineage/_edge_window}}
  RETURN count(u) + count(d) > 0 AS deeper
}
{{> lineage/_answer}}
