MATCH (w:_Webhook)
RETURN w {.*, secret: null} AS webhook
ORDER BY w.createdAt, w.id
