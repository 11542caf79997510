DROP INDEX modelgraph_restore_key IF EXISTS
