// Fragment. A walk (upstream, downstream, both) is one ANY SHORTEST pattern per direction: it
// yields each distinct node once with its shortest distance and one shortest path, so diamonds
// and cycles cost bounded work. Its bound is a {{bound}} marker (the store runs the smallest of
// cypher.SEARCH_BOUNDS >= $maxDepth; hard cap 50); empty $nodeTypes means every kind.
// This is the filter on every hop (a)-[r]-(m) of a walk from start `s`: a stop node ends a path
// (the start itself never stops), nodes created after $createdMax did not exist yet (asOf), and
// DEPLOYED_AS edges count inside the time window. Plain conjunctions keep the path automaton cheap.
WHERE (a = s OR NOT (a.kind IN $stopKinds OR a.id IN $stopIds))
          AND coalesce(m.createdAt, 0) <= $createdMax
          AND {{> lineage/_edge_window}}
