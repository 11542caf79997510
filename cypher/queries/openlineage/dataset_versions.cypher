// The dataset versions a chunk of events may name, in three lists (store/openlineage._read):
// $named [{key, datasetId, version}] the version of that name (the (parentId, name) key);
// $reads [{key, datasetId, runId}] a version of the dataset the recorded run already read;
// $latest [datasetId] the dataset's newest version (what an unversioned input reads).
CALL () {
  UNWIND $named AS w
  MATCH (v:DatasetVersion {parentId: w.datasetId, name: w.version})
  RETURN collect({key: w.key, node: v {.*}}) AS named
}
CALL () {
  UNWIND $reads AS w
  CALL (w) {
    MATCH (:Execution {olRunId: w.runId})<-[:CONSUMED_BY]-(v:DatasetVersion {parentId: w.datasetId})
    RETURN v
    LIMIT 1
  }
  RETURN collect({key: w.key, node: v {.*}}) AS reads
}
CALL () {
  UNWIND $latest AS datasetId
  CALL (datasetId) {
    MATCH (v:DatasetVersion {parentId: datasetId})
    RETURN v
    ORDER BY v.createdAt DESC, v.id DESC
    LIMIT 1
  }
  RETURN collect({key: datasetId, node: v {.*}}) AS latest
}
RETURN named, reads, latest
