// Ranked full-text search: $query is a Lucene query the store built from escaped user terms.
// The kind and read filters run on the hits (the index spans all kinds); ORDER BY + LIMIT is a top-k sort.
// Ties on score go to the shorter name (an exact hit beats a longer name with the same term).
CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node AS n, score
WHERE (size($kinds) = 0 OR n.kind IN $kinds)
  AND {{> access/_readable}}
WITH n, score
ORDER BY score DESC, size(n.name), n.id
LIMIT $limit
RETURN properties(n) AS props, score,
       head([(pp:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HOSTS|HAS_RUN]->(n) WHERE pp.id = n.parentId | pp.name]) AS parentName
