// Kubeflow clients only accept small numeric ids: REST shows kfId, assigned from one sequence.
CREATE CONSTRAINT entity_kf_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.kfId IS UNIQUE;
CREATE CONSTRAINT kubeflow_sequence IF NOT EXISTS FOR (n:_KubeflowSequence) REQUIRE n.name IS UNIQUE;
CREATE INDEX metric_point_kf_id IF NOT EXISTS FOR (n:MetricPoint) ON (n.kfId);
CREATE INDEX parameter_kf_id IF NOT EXISTS FOR (n:Parameter) ON (n.kfId);
CREATE INDEX entity_kf_parent_id IF NOT EXISTS FOR (n:Entity) ON (n.kfParentId)
