// Bench: the Neo4j version and edition, reported with the results.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
