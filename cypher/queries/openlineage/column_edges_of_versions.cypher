// Column edges whose derived field belongs to one of the given dataset versions (lineage(...,
// includeColumns: true) over a walked subgraph).
UNWIND $versionIds AS vid
MATCH (:DatasetVersion {id: vid})-[:HAS_FIELD]->(:DatasetField)-[r:DERIVES_FROM]->(:DatasetField)
WITH DISTINCT r
{{> openlineage/_column_edge}}
LIMIT $first
