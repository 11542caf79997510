// Due deliveries that are the oldest pending one of their (webhook, entity): order per entity.
MATCH (d:_Delivery)
WHERE d.status = 'PENDING' AND d.nextAttemptAt <= $now AND coalesce(d.leaseUntil, 0) < $now
  AND NOT EXISTS {
    MATCH (o:_Delivery {webhookId: d.webhookId, orderKey: d.orderKey, status: 'PENDING'})
    WHERE o.eventSeq < d.eventSeq
  }
RETURN d.id AS id
ORDER BY d.eventSeq
LIMIT $limit
