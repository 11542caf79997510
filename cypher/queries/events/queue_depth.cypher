// Deliveries not yet delivered nor dead-lettered (the webhook queue depth metric).
MATCH (d:_Delivery)
WHERE d.status = 'PENDING'
RETURN count(d) AS pending
