// Fragment: the answer of a walk once `deeper` (the depth cap was hit) is known: the edges among
// the returned nodes, and the nodes themselves ($full = false: slim maps, $paths = false: no paths).
WITH root, items, overLimit, overLimit OR deeper AS truncated, [root] + [i IN items | i.node] AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS|HAS_VERSION]->(b)
  WHERE b IN nodes
    AND {{> lineage/_edge_window}}
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
