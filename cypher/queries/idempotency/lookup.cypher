// The live (unexpired) key of one principal, with the answer stored for it, if any.
MATCH (k:_IdempotencyKey {scope: $scope})
WHERE k.expiresAt > $now
RETURN k.fingerprint AS fingerprint, k.responseStatus AS responseStatus,
       k.responseType AS responseType, k.responseBody AS responseBody
