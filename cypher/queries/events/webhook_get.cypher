MATCH (w:_Webhook {id: $id})
RETURN w {.*, secret: null} AS webhook
