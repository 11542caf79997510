// The one entity updater (store/entities.update_tx): merge a validated property map (nulls remove
// properties) and stamp updatedBy; updatedAt never goes backwards, even within one millisecond.
MATCH (n:Entity {id: $id})
WHERE n.kind = $kind
SET n += $props,
    n.updatedBy = $by,
    n.updatedAt = CASE WHEN n.updatedAt >= $at THEN n.updatedAt + 1 ELSE $at END
RETURN n {.*} AS node
