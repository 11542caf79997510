// Contract test (tests/api/test_one_registry.py): every edge between entities by its endpoints'
// kinds and names, with the properties the writers stamp (role, by, closedBy, open or closed).
MATCH (a:Entity)-[r]->(b:Entity)
RETURN {type: type(r), sourceKind: a.kind, source: a.name, targetKind: b.kind, target: b.name,
  role: r.role, by: r.by, closedBy: r.closedBy, open: r.until IS NULL AND r.since IS NOT NULL,
  kfId: type(r) <> 'DEPLOYED_AS' OR r.kfId IS NOT NULL} AS edge
ORDER BY edge.type, edge.source, edge.target, r.since
