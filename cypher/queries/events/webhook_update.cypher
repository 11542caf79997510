// Change a webhook's active flag (null keeps it) or rotate nothing else: the URL stays.
MATCH (w:_Webhook {id: $id})
SET w.active = coalesce($active, w.active), w.updatedAt = $at
RETURN w {.*, secret: null} AS webhook
