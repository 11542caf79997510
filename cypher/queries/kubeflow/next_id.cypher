// Kubeflow REST: allocate the next numeric Kubeflow id (the official client only accepts
// ids matching ^[1-9][0-9]{0,8}$, so REST ids are a sequence, kept as kfId beside the real id).
MERGE (s:_KubeflowSequence {name: 'ids'})
SET s.value = coalesce(s.value, 0) + 1
RETURN s.value AS kfId
