// Backup: the server version recorded in the header.
CALL dbms.components() YIELD versions, edition
RETURN versions[0] AS version, edition
