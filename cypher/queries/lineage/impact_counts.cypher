// Impact counts per kind without payload (dashboards): the downstream.cypher traversal, counted.
// Searches at most {{bound}} hops (bounds as for downstream); no node cap, since nothing but
// counts is returned. Time: nodes created after $createdMax did not exist yet.
// replan=skip: a warm plan survives statistics drift (no first-request cliff after bulk writes).
CYPHER replan=skip
{{> lineage/_starts}}
  CALL (root, starts, prefix) {
    UNWIND starts AS s
    WITH s WHERE s <> root
    RETURN s AS x, size(prefix) AS distance
    UNION
    UNWIND starts AS s
    MATCH p = ANY SHORTEST (s)((a)-[r:CONSUMED_BY|PRODUCED|DEPLOYED_AS]->(m)
        WHERE coalesce(m.createdAt, 0) <= $createdMax
          AND {{> lineage/_edge_window}}
        ){1,{{bound}}}(x)
    WHERE x <> root
    RETURN x, size(prefix) + length(p) AS distance
  }
  WITH x, min(distance) AS distance
  WHERE distance <= $maxDepth AND (NOT $liveOnly OR x.state = 'LIVE')
  WITH x.kind AS kind, count(x) AS n
  ORDER BY kind
  RETURN collect({kind: kind, count: n}) AS counts
}
RETURN root.id AS id, counts
