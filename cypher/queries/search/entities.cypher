// Ranked full-text search: $query is a Lucene query the store built from escaped user terms.
// The kind filter runs on the hits (the index spans all kinds); ORDER BY + LIMIT is a top-k sort.
// Ties on score go to the shorter name (an exact hit beats a longer name with the same term).
CALL db.index.fulltext.queryNodes('entity_search', $query) YIELD node, score
WHERE size($kinds) = 0 OR node.kind IN $kinds
WITH node, score
ORDER BY score DESC, size(node.name), node.id
LIMIT $limit
RETURN properties(node) AS props, score,
       head([(pp:Entity)-[:HAS_VERSION|HAS_ARTIFACT|HOSTS|HAS_RUN]->(node) WHERE pp.id = node.parentId | pp.name]) AS parentName
