// The first statement of every write transaction (store/db.Database.write): take the event
// sequence's write lock, held to commit. Writers then take turns, so no two hold locks the other
// waits for: writers that share a model, an experiment or a dataset version never deadlock
// (they did, on the Kubeflow id sequence, when each took its locks in its own order).
// MATCH, not MERGE: the gate never writes data of its own (an empty graph stays empty for a
// restore; migrate's first writes precede the sequence's constraint). Until the first event
// creates the node there is nothing to take turns on, and the driver's retry covers that window.
MATCH (s:_EventSequence {name: 'events'})
SET s._turn = true
REMOVE s._turn
