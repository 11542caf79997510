// Inside the write's own transaction: take the key, or take over an expired one. The unique
// constraint on scope makes a concurrent claim of the same key wait for this one and then see it.
MERGE (k:_IdempotencyKey {scope: $scope})
ON CREATE SET k += $fields
WITH k, k.claimId = $claimId AS created
FOREACH (_ IN CASE WHEN NOT created AND k.expiresAt <= $now THEN [1] ELSE [] END |
  SET k += $fields, k.responseStatus = null, k.responseType = null, k.responseBody = null)
RETURN k.claimId = $claimId AS claimed, k.fingerprint AS fingerprint
