// Take the write locks of entities (in id order) and read them back under the lock, so a
// decision made on their state cannot race an archive or another deploy / alias move.
UNWIND $ids AS id
WITH id ORDER BY id
MATCH (n:Entity {id: id})
SET n._lock = true
REMOVE n._lock
RETURN n {.*} AS node
