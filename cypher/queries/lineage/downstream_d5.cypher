// Downstream lineage (impact) of one entity: everything that depends on it, following
// CONSUMED_BY|PRODUCED|DEPLOYED_AS edges forwards.
// ANY SHORTEST yields each distinct node once with its shortest distance and one shortest path,
// so diamonds and cycles cost bounded work. The search is bounded at 5 hops here
// (the store picks the smallest of the _d5/_d10/_d20/_d50 variants >= $maxDepth; hard cap 50);
// a RegisteredModel or Dataset root starts from all its versions, one hop further.
// Empty $nodeTypes means every kind; $full = false returns slim node maps, $paths = false empty
// paths (the caller did not ask for them). $limit + 1 rows are kept so that a cut is reported
// (truncated), never silent.
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
       CASE WHEN container THEN [root.id] ELSE [] END AS prefix
  CALL (root, starts, prefix) {
    UNWIND starts AS s
    WITH s WHERE s <> root
    RETURN s AS x, prefix + [s.id] AS path
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(m)
        WHERE (a = s OR NOT (a.kind IN $stopKinds OR a.id IN $stopIds))
          AND coalesce(m.createdAt, 0) <= $createdMax
          AND coalesce(r.since, -1) <= $edgeHi AND coalesce(r.until, 9223372036854775807) > $edgeLo
        ){1,5}(x)
    WHERE x <> root
    RETURN x, prefix + [n IN nodes(p) | n.id] AS path
  }
  WITH x, path
  ORDER BY size(path)
  WITH x, head(collect(path)) AS path
  WITH x, path, size(path) - 1 AS distance
  WHERE distance <= $maxDepth
    AND (size($nodeTypes) = 0 OR x.kind IN $nodeTypes)
    AND (NOT $liveOnly OR x.state = 'LIVE')
  ORDER BY distance, x.id
  LIMIT $limit + 1
  RETURN collect({
    node: x, distance: distance, path: path,
    parentName: head([(pp:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HOSTS|HAS_RUN]->(x) WHERE pp.id = x.parentId | pp.name])
  }) AS found
}
WITH root, found[0..$limit] AS items, size(found) > $limit AS overLimit
WITH root, items, overLimit, [root.id] + [i IN items | i.node.id] AS ids
// The depth cap was hit when a node at $maxDepth has a downstream neighbour not returned.
CALL (items, ids) {
  UNWIND items AS i
  WITH i.node AS n
  WHERE i.distance = $maxDepth AND NOT (n.kind IN $stopKinds OR n.id IN $stopIds)
  MATCH (n)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(m)
  WHERE NOT m.id IN ids AND coalesce(m.createdAt, 0) <= $createdMax
    AND coalesce(r.since, -1) <= $edgeHi AND coalesce(r.until, 9223372036854775807) > $edgeLo
  RETURN count(m) > 0 AS deeper
}
WITH root, items, overLimit, overLimit OR deeper AS truncated, [root] + [i IN items | i.node] AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS|HAS_VERSION]->(b)
  WHERE b IN nodes
    AND coalesce(r.since, -1) <= $edgeHi AND coalesce(r.until, 9223372036854775807) > $edgeLo
  RETURN collect({
    source: a.id, target: b.id, type: type(r), role: r.role,
    since: r.since, until: r.until, by: r.by
  }) AS edges
}
RETURN root {.*} AS root,
       head([(pp:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HOSTS|HAS_RUN]->(root) WHERE pp.id = root.parentId | pp.name]) AS rootParentName,
       [i IN items | {
         node: CASE WHEN $full THEN properties(i.node) ELSE {
                 id: i.node.id, kind: i.node.kind, name: i.node.name, state: i.node.state,
                 createdAt: i.node.createdAt, parentId: i.node.parentId
               } END,
         distance: i.distance,
         path: CASE WHEN $paths THEN i.path ELSE [] END,
         parentName: i.parentName
       }] AS items,
       edges,
       truncated,
       overLimit
