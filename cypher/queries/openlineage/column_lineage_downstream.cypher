// Column lineage downstream of one field of a dataset (all its versions, or the one named):
// every DERIVES_FROM edge on a path of at most 10 steps, with both ends named.
MATCH (:Entity:Dataset {name: $dataset})-[:HAS_VERSION]->(v:DatasetVersion)
WHERE $version IS NULL OR v.name = $version
MATCH (v)-[:HAS_FIELD]->(start:DatasetField {name: $field})
MATCH path = (start)<-[:DERIVES_FROM*1..10]-(:DatasetField)
UNWIND relationships(path) AS r
WITH DISTINCT r
{{> openlineage/_column_edge}}
LIMIT $first
