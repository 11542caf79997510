// Record one delivery attempt and its outcome; only the lease holder may.
MATCH (d:_Delivery {id: $id})
WHERE d.leaseOwner = $owner
SET d.attempts = d.attempts + 1, d.status = $status, d.nextAttemptAt = $nextAttemptAt,
    d.lastStatusCode = $statusCode, d.lastError = $error, d.updatedAt = $at,
    d.deliveredAt = CASE WHEN $status = 'DELIVERED' THEN $at ELSE d.deliveredAt END,
    d.leaseOwner = null, d.leaseUntil = null
CREATE (a:_DeliveryAttempt {
  deliveryId: d.id, number: d.attempts, at: $at, statusCode: $statusCode, latencyMs: $latencyMs,
  error: $error, responseExcerpt: $excerpt
})
RETURN d.attempts AS attempts
