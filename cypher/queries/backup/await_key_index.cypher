CALL db.awaitIndex('modelgraph_restore_key', 300)
