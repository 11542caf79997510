// Kubeflow REST: the Dataset a dataset-artifact's DatasetVersion hangs under, by name.
MERGE (d:Dataset {name: $name})
ON CREATE SET d:Entity, d += $props
RETURN d {.*} AS node
