// Nested field loader: the version(s) serving each deployment at $asOf (the store passes the
// largest Long for "now": only open edges pass; one parameter type, one cached plan),
// newest assignment first.
UNWIND $ids AS id
MATCH (:Entity {id: id})<-[r:DEPLOYED_AS]-(v:ModelVersion)
WHERE r.since <= $asOf AND (r.until IS NULL OR r.until > $asOf)
WITH id, v, r
ORDER BY r.since DESC
RETURN id, collect(properties(v)) AS items
