// The answer of the request that holds the claim, kept for retries with the same key.
MATCH (k:_IdempotencyKey {scope: $scope})
WHERE k.claimId = $claimId
SET k.responseStatus = $responseStatus, k.responseType = $responseType,
    k.responseBody = $responseBody
RETURN count(k) AS stored
