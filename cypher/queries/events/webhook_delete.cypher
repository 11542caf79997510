// Removing a webhook cancels its pending deliveries; the delivery log stays.
MATCH (w:_Webhook {id: $id})
WITH w, w {.*, secret: null} AS webhook
CALL (w) {
  MATCH (d:_Delivery {webhookId: w.id, status: 'PENDING'})
  SET d.status = 'CANCELLED', d.leaseOwner = null, d.leaseUntil = null
  RETURN count(d) AS cancelled
}
DETACH DELETE w
RETURN webhook, cancelled
