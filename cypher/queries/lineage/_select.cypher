// Fragment: of each node's candidate rows (x, path) keep the shortest path, apply maxDepth,
// nodeTypes and liveOnly, and keep $limit + 1 nodes so that a cut is reported, never silent.
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
