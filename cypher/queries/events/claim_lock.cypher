// Take the write locks first (in id order) so the claim below reads values no one can change.
UNWIND $ids AS id
MATCH (d:_Delivery {id: id})
SET d.lockedAt = $now
RETURN count(d) AS locked
