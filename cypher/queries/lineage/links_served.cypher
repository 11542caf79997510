// Nested field loader: the version(s) serving each deployment now ($asOf null) or at $asOf,
// newest assignment first.
UNWIND $ids AS id
MATCH (:Entity {id: id})<-[r:DEPLOYED_AS]-(v:ModelVersion)
WHERE ($asOf IS NULL AND r.until IS NULL)
   OR ($asOf IS NOT NULL AND r.since <= $asOf AND (r.until IS NULL OR r.until > $asOf))
WITH id, v, r
ORDER BY r.since DESC
RETURN id, collect(properties(v)) AS items
