// The one entity updater (store/entities.update_many_tx), any number of entities in one round
// trip: for each row {id, kind, props, event} merge the validated property map (nulls remove
// properties) and stamp updatedBy; updatedAt never goes backwards, even within one millisecond.
// A row's changed event ({type, payload}; null for an empty update, which only locks and stamps)
// is appended with the node's scope (itself and its parent, as store/events.scope_of).
// Rows whose id names no entity of their kind are not returned.
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row
MATCH (n:Entity {id: row.id})
WHERE n.kind = row.kind
SET n += row.props,
    n.updatedBy = $principal,
    n.updatedAt = CASE WHEN n.updatedAt >= $at THEN n.updatedAt + 1 ELSE $at END
WITH collect({i: i, node: n {.*}}) AS made,
     collect(CASE WHEN row.event IS NOT NULL THEN {
       type: row.event.type, entityId: n.id, entityKind: n.kind, payload: row.event.payload,
       scopeIds: CASE WHEN n.parentId IS NULL THEN [n.id] ELSE [n.id, n.parentId] END
     } END) AS appended
CALL (appended) {
  {{> events/_append}}
}
UNWIND made AS m
RETURN m.i AS i, m.node AS node
