// Backup: every relationship with its endpoints' backup keys.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS props
