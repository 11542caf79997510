// One audit event, written in the transaction of the change it records.
CREATE (a:AuditEvent {id: $id, at: $at, principal: $principal, method: $method,
                      action: $action, entityId: $entityId, entityKind: $entityKind,
                      detail: $detail})
RETURN a.id AS id
