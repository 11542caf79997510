// logExecution validation: the kind and state of every referenced id (null kind = missing),
// and for each new dataset version its dataset's id and whether the version name is taken.
CALL () {
  UNWIND $ids AS id
  OPTIONAL MATCH (n:Entity {id: id})
  RETURN collect({id: id, kind: n.kind, state: n.state}) AS refs
}
CALL () {
  UNWIND $newVersions AS nv
  OPTIONAL MATCH (d:Dataset {name: nv.dataset})
  OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DatasetVersion {name: nv.version})
  RETURN collect({dataset: nv.dataset, version: nv.version, datasetId: d.id, datasetState: d.state, existing: v.id}) AS datasets
}
RETURN refs, datasets
