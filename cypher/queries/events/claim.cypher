// Lease the locked deliveries that are still due; another worker may have taken some.
UNWIND $ids AS id
MATCH (d:_Delivery {id: id})
WHERE d.status = 'PENDING' AND coalesce(d.leaseUntil, 0) < $now
SET d.leaseOwner = $owner, d.leaseUntil = $now + $leaseMs
WITH d
MATCH (e:_Event {seq: d.eventSeq})
OPTIONAL MATCH (w:_Webhook {id: d.webhookId})
RETURN d {.*} AS delivery, e {.*} AS event, w {.*} AS webhook
ORDER BY d.eventSeq
