// Chaos: acknowledged Kubeflow REST ids that are not in the graph (lost writes).
UNWIND $ids AS id
WITH id
WHERE NOT EXISTS { MATCH (:Entity {kfId: id}) }
RETURN collect(id) AS missing
