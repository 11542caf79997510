// Contract test (tests/api/test_one_registry.py): every entity as its faces must leave it,
// without ids and times, so that graphs written through different faces compare equal.
MATCH (n:Entity)
OPTIONAL MATCH (p:Entity {id: n.parentId})
RETURN {kind: n.kind, name: n.name, state: n.state, author: n.author, updatedBy: n.updatedBy,
  description: n.description, owner: n.owner, stage: n.stage, status: n.status, type: n.type,
  parent: p.name, kfId: n.kfId IS NOT NULL, kfParentId: n.kfParentId = p.kfId,
  labels: [l IN labels(n) WHERE l <> 'Entity']} AS node
ORDER BY node.kind, node.name
