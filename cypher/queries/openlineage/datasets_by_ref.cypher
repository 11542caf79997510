// OpenLineage datasets by their identity (namespace + name), and the Dataset of the same name
// (a dataset registered by hand is adopted the first time lineage names it).
UNWIND $refs AS ref
OPTIONAL MATCH (byRef:Entity:Dataset {olNamespace: ref.namespace, olName: ref.name})
OPTIONAL MATCH (byName:Entity:Dataset {name: ref.name})
RETURN ref.namespace AS namespace, ref.name AS name, byRef {.*} AS byRef, byName {.*} AS byName
