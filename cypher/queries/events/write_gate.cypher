// The first statement of every write transaction (store/db.Database.write): take the event
// sequence's write lock, held to commit. Writers then take turns, so no two hold locks the other
// waits for: writers that share a model, an experiment or a dataset version never deadlock
// (they did, on the Kubeflow id sequence, when each took its locks in its own order).
MERGE (s:_EventSequence {name: 'events'})
SET s._turn = true
REMOVE s._turn
