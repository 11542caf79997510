// The model versions a deployment serves now (open DEPLOYED_AS edges): undeploy needs EDIT on each.
MATCH (v:ModelVersion)-[cur:DEPLOYED_AS]->(:Entity:Deployment {id: $deploymentId})
WHERE cur.until IS NULL
RETURN collect(DISTINCT v.id) AS ids
