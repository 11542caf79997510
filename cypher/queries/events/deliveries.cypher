// The delivery log of one webhook, newest first, with every attempt.
MATCH (d:_Delivery {webhookId: $webhookId})
WHERE $status IS NULL OR d.status = $status
WITH d
ORDER BY d.eventSeq DESC
LIMIT $limit
CALL (d) {
  OPTIONAL MATCH (a:_DeliveryAttempt {deliveryId: d.id})
  WITH a
  ORDER BY a.number
  RETURN collect(a {.*}) AS attempts
}
RETURN d {.*} AS delivery, attempts
ORDER BY d.eventSeq DESC
