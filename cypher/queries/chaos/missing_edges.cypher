// Chaos: acknowledged relationships {source, type, target} (entity ids) that are not in the graph.
UNWIND $edges AS edge
WITH edge
WHERE NOT EXISTS {
  MATCH (:Entity {id: edge.source})-[r]->(:Entity {id: edge.target})
  WHERE type(r) = edge.type
}
RETURN collect(edge) AS missing
